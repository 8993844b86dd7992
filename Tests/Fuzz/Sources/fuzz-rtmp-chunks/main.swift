// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzRTMPChunks($0, $1) }

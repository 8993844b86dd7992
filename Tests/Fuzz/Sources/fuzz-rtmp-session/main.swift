// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzRTMPSession($0, $1) }

// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzCodecConfig($0, $1) }

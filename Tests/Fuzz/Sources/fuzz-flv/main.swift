// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzFLV($0, $1) }

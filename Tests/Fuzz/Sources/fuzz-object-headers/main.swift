// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzObjectHeaders($0, $1) }

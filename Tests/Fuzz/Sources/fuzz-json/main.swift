// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzJSON($0, $1) }

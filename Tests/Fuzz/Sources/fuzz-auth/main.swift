// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzAuth($0, $1) }

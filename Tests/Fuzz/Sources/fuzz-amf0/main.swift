// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzAMF0($0, $1) }

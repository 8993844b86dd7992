// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzHTTPRequest($0, $1) }

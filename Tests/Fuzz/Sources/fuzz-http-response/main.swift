// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzHTTPResponse($0, $1) }

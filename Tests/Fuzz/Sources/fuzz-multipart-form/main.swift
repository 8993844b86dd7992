// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzMultipartForm($0, $1) }

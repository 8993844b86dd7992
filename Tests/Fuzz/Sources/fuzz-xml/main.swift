// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzXML($0, $1) }

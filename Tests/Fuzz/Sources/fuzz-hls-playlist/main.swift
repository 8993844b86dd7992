// libFuzzer runs the target; see Package.swift.
import FuzzSupport

runLibFuzzer { fuzzHLSPlaylist($0, $1) }

import Testing
@testable import OSSProtocol

func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// Runs `body` and returns the OSSError it threw, recording an issue if it did not throw.
func expectOSSError<T>(_ body: () throws(OSSError) -> T, sourceLocation: SourceLocation = #_sourceLocation) -> OSSError? {
    do {
        let value = try body()
        Issue.record("expected an OSSError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"

import Foundation
import Testing
@testable import Emulator

/// CONNECT tunnels end to end with curl as the client: TLS terminated with
/// the emulator's CA, requests reaching the front door, refusals.
@Suite(.serialized) struct TLSTunnelTests {
    private struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private func curl(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "20"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    private func makeEmulator(dataDirectory: String) -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.port = 0
        configuration.rtmpPort = 0
        configuration.dataDirectory = dataDirectory
        return Emulator(configuration: configuration)
    }

    private func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "tls-tunnel-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func requestsThroughATunnelReachTheFrontDoorWithAVerifiedCertificate() throws {
        let directory = temporaryDirectory()
        let emulator = makeEmulator(dataDirectory: directory)
        let endpoints = try emulator.start()
        defer { emulator.stop() }
        let ca = directory + "/.oss/tls/ca.pem"
        let run = try curl(["-v", "--proxy", endpoints.http, "--cacert", ca, "https://oss-cn-hangzhou.aliyuncs.com/"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("<Code>AccessDenied</Code>"))
        #expect(run.stderr.contains("200 Connection established"))
        #expect(run.stderr.contains("subjectAltName: host \"oss-cn-hangzhou.aliyuncs.com\" matched"))
        #expect(run.stderr.contains("CN=OSS Emulator Local CA"))
        // A bucket host gets a certificate of its own.
        let bucketHost = try curl(["-v", "--proxy", endpoints.http, "--cacert", ca, "https://some-bucket.oss-cn-hangzhou.aliyuncs.com/x"])
        #expect(bucketHost.status == 0)
        #expect(bucketHost.stderr.contains("subjectAltName: host \"some-bucket.oss-cn-hangzhou.aliyuncs.com\" matched"))
        #expect(bucketHost.stdout.contains("<Code>NoSuchBucket</Code>"))
        // Without the emulator's CA the chain does not verify (curl: 60).
        let untrusted = try curl(["--proxy", endpoints.http, "--cacert", "/dev/null", "https://oss-cn-hangzhou.aliyuncs.com/"])
        #expect(untrusted.status != 0)
        // The certificate is served for clients to fetch.
        let served = try curl([endpoints.http + "/_emulator/ca.pem"])
        #expect(served.stdout == (try String(contentsOfFile: ca, encoding: .utf8)))
    }

    @Test func kmsAnswersInsideTheTunnel() throws {
        let directory = temporaryDirectory()
        let emulator = makeEmulator(dataDirectory: directory)
        let endpoints = try emulator.start()
        defer { emulator.stop() }
        let run = try curl(["-w", "\n%{http_code}", "--proxy", endpoints.http, "--cacert", directory + "/.oss/tls/ca.pem",
                            "-X", "POST", "https://kms.cn-hangzhou.aliyuncs.com/?Action=Encrypt&KeyId=k&Plaintext=x"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("\"Code\":\"IncompleteSignature\""))
        #expect(run.stdout.hasSuffix("\n400"))
    }

    @Test func tunnelsToOtherHostsOrPortsAreRefused() throws {
        let emulator = makeEmulator(dataDirectory: temporaryDirectory())
        let endpoints = try emulator.start()
        defer { emulator.stop() }
        for url in ["https://example.com/", "https://oss-cn-hangzhou.aliyuncs.com:8443/", "https://aliyuncs.com/"] {
            let run = try curl(["-v", "--proxy", endpoints.http, url])
            #expect(run.status == 56, "\(url)")
            #expect(run.stderr.contains("< HTTP/1.1 403"), "\(url)")
        }
    }

    @Test func theCertificateAuthoritySurvivesARestart() throws {
        let directory = temporaryDirectory()
        let emulator = makeEmulator(dataDirectory: directory)
        try emulator.start()
        let first = try String(contentsOfFile: directory + "/.oss/tls/ca.pem", encoding: .utf8)
        emulator.stop()
        let endpoints = try emulator.start()
        defer { emulator.stop() }
        #expect(try String(contentsOfFile: directory + "/.oss/tls/ca.pem", encoding: .utf8) == first)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/.oss/tls/ca-key.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let run = try curl(["--proxy", endpoints.http, "--cacert", directory + "/.oss/tls/ca.pem", "https://oss-cn-hangzhou.aliyuncs.com/"])
        #expect(run.status == 0)
    }
}

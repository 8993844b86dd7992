import Publisher
import Testing

@Suite struct PublishErrorTests {
    /// `push` prints these after "stream N (URL): "; scripts match on them.
    @Test func descriptionsAreWhatPushPrints() {
        let cases: [(PublishError, String)] = [
            (.refused(code: "NetStream.Publish.Denied", description: "AccessDenied: expired"),
             "refused by the server: AccessDenied: expired (NetStream.Publish.Denied)"),
            (.refused(code: "NetStream.Publish.BadName", description: ""), "refused by the server: NetStream.Publish.BadName"),
            (.stoppedByServer(code: "NetStream.Publish.Denied", description: "LiveChannelDisabled"),
             "stopped by the server: LiveChannelDisabled (NetStream.Publish.Denied)"),
            (.handshakeTimeout(.seconds(10)), "no RTMP handshake from the server within 10.0 seconds"),
            (.publishTimeout(.seconds(10)), "the server did not start the publish within 10.0 seconds"),
            (.closedByServer, "the server closed the connection"),
            (.socketFailed(operation: "send", errno: 104), "send failed: errno 104"),
            (.connectionClosed, "connection closed"),
            (.stoppedBeforePublish("just connected"), "stopped before the publish started (just connected)"),
            (.notClosedInTime(.seconds(5)), "did not close within 5.0 seconds of being stopped"),
            (.badMedia(.noMedia), "the FLV file holds no audio or video tags"),
            (.badURL(.missingHost), "the URL has no host"),
        ]
        for (error, text) in cases { #expect(error.description == text) }
        #expect(PublishError.stoppedByServer(code: "c", description: "d").serverDescription == "d")
        #expect(PublishError.closedByServer.serverDescription == nil)
    }
}

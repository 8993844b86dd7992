extension PublishRun {
    /// Publishes the FLV file `flv` once to `url` and returns when it has
    /// been sent and unpublished; throws why not, a server's refusal with
    /// its status description (`PublishError.refused`).
    public static func publish(flv: [UInt8], url: String, realtime: Bool = false) async throws(PublishError) {
        let target: PublishURL
        do { target = try PublishURL(parsing: url) } catch { throw .badURL(error) }
        let media: PublishMedia
        do { media = try PublishMedia(flv: flv) } catch { throw .badMedia(error) }
        let run = PublishRun(media: media, urls: [target], options: PublishOptions(realtime: realtime))
        run.start()
        let report = await run.completion()
        switch report.outcomes.first {
        case .finished?: return
        case .failed(let error)?: throw error
        case .notStarted?, nil: throw .stoppedBeforePublish("cancelled")
        }
    }
}

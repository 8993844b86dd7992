import ArgumentParser
import Emulator

@main
struct OSSLiveEmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oss-live-emulator",
        abstract: "A local, offline Alibaba Cloud OSS LiveChannel emulator.",
        subcommands: [Serve.self, Push.self, Health.self],
        defaultSubcommand: Serve.self
    )
}

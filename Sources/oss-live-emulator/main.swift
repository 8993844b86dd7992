print("oss-live-emulator")

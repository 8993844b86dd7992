// Emulator module.

// OSSProtocol module.

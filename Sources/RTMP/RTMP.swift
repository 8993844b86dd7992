// RTMP module.

#ifndef OSS_EMULATOR_CCRYPTO_SHIM_H
#define OSS_EMULATOR_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif

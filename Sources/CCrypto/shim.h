#ifndef OSS_EMULATOR_CCRYPTO_SHIM_H
#define OSS_EMULATOR_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#endif

#ifndef OSS_EMULATOR_CZLIB_SHIM_H
#define OSS_EMULATOR_CZLIB_SHIM_H
#include <zlib.h>
#endif

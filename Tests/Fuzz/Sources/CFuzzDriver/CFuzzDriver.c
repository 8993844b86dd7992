// The declaration in include/CFuzzDriver.h is the whole module; libFuzzer
// (linked by -sanitize=fuzzer) defines the function.
#include "CFuzzDriver.h"

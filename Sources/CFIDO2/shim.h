#ifndef GATEHOUSE_CFIDO2_SHIM_H
#define GATEHOUSE_CFIDO2_SHIM_H
#include <fido.h>
#include <fido/es256.h>
#include <fido/rs256.h>
#include <fido/eddsa.h>
#endif

#ifndef GATEHOUSE_CQRENCODE_SHIM_H
#define GATEHOUSE_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif

#ifndef GATEHOUSE_CZXCVBN_SHIM_H
#define GATEHOUSE_CZXCVBN_SHIM_H
/* Debian's libzxcvbn-dev is built with the dictionary compiled in (no USE_DICT_FILE),
   so ZxcvbnInit/ZxcvbnUnInit are no-op macros and nothing needs setting up. */
#include <zxcvbn.h>
#endif

#ifndef GATEHOUSE_CLIBPQ_SHIM_H
#define GATEHOUSE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <postgres_ext.h>

/* Char-literal macros such as PG_DIAG_SQLSTATE ('C') do not import into Swift. */
static const int GH_PG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int GH_PG_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
#endif

#ifndef EDCA_CLIBSSH_SHIM_H
#define EDCA_CLIBSSH_SHIM_H
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#endif

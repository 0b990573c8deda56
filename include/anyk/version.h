#ifndef ANYK_VERSION_H
#define ANYK_VERSION_H
#define ANYK_VERSION "0.1.0"
#endif

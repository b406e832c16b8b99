/*
 * web/security.c — who may talk to the endpoint (see web/README.md,
 * "Threat model").
 *
 * A browser runs pages from anywhere next to the user's memcored, so:
 *   - Host must name the address memcored listens on, or localhost: a
 *     page whose DNS name was rebound to 127.0.0.1 sends its own name
 *     and is refused;
 *   - a state-changing request from another origin (a form post, a
 *     fetch without CORS) carries that origin and is refused;
 *   - the token, when set, is compared in constant time.
 * api.c decides when each check applies.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Split "host:port", "[v6]:port", "host" into @name (brackets removed)
 * and the port (80 when absent).  false when malformed. */
static bool split_host(const char *h, char *name, size_t namelen,
                       unsigned *port)
{
    const char *colon, *end;
    size_t n;

    while (*h == ' ' || *h == '\t') {
        h++;
    }
    end = h + strlen(h);
    while (end > h && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    if (end == h) {
        return false;
    }
    if (*h == '[') {
        const char *close = memchr(h, ']', (size_t)(end - h));
        if (!close) {
            return false;
        }
        n = (size_t)(close - h - 1);
        if (n == 0 || n >= namelen) {
            return false;
        }
        memcpy(name, h + 1, n);
        name[n] = '\0';
        colon = close + 1 < end ? close + 1 : NULL;
        if (colon && *colon != ':') {
            return false;
        }
    } else {
        colon = memchr(h, ':', (size_t)(end - h));
        n = colon ? (size_t)(colon - h) : (size_t)(end - h);
        if (n == 0 || n >= namelen || (colon && memchr(colon + 1, ':',
                                                       (size_t)(end - colon - 1)))) {
            return false;
        }
        memcpy(name, h, n);
        name[n] = '\0';
    }
    if (!colon) {
        *port = 80;
        return true;
    }
    unsigned long p = 0;
    const char *q = colon + 1;
    if (q == end || end - q > 5) {
        return false;
    }
    for (; q < end; q++) {
        if (*q < '0' || *q > '9') {
            return false;
        }
        p = p * 10 + (unsigned long)(*q - '0');
    }
    if (p > 65535) {
        return false;
    }
    *port = (unsigned)p;
    return true;
}

static bool is_ip_literal(const char *name)
{
    unsigned char buf[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, name, buf) == 1 ||
           inet_pton(AF_INET6, name, buf) == 1;
}

bool web_host_ok(const WebApi *api, const char *host)
{
    char name[256];
    unsigned port;

    if (!host || !split_host(host, name, sizeof(name), &port)) {
        return false;
    }
    if (strcasecmp(name, "localhost") == 0) {
        /* The browser omits the port only when it is the default one. */
        return port == api->port || !strchr(host, ':');
    }
    if (port != api->port) {
        return false;
    }
    if (strcasecmp(name, api->host) == 0 ||
        (api->bound_host && strcasecmp(name, api->bound_host) == 0)) {
        return true;
    }
    /* Listening on every address: any address literal reaches it, and a
     * literal cannot be rebound; a DNS name still can. */
    return api->wildcard && is_ip_literal(name);
}

bool web_origin_ok(const char *origin, const char *host)
{
    size_t hlen;

    if (!origin) {
        return true;
    }
    while (*origin == ' ') {
        origin++;
    }
    while (*host == ' ') {
        host++;
    }
    hlen = strlen(host);
    while (hlen && (host[hlen - 1] == ' ' || host[hlen - 1] == '\t')) {
        hlen--;
    }
    if (strncasecmp(origin, "http://", 7) != 0) {
        return false;  /* "null", https, anything else */
    }
    origin += 7;
    size_t olen = strlen(origin);
    while (olen && (origin[olen - 1] == ' ' || origin[olen - 1] == '\t')) {
        olen--;
    }
    return olen == hlen && strncasecmp(origin, host, hlen) == 0;
}

bool web_token_equal(const WebApi *api, const char *given)
{
    size_t glen = strlen(given);
    unsigned char diff = glen != api->token_len;

    /* Every byte of the token is looked at whatever @given holds, so the
     * time taken tells nothing about how much of it matched. */
    for (size_t i = 0; i < api->token_len; i++) {
        unsigned char g = i < glen ? (unsigned char)given[i] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)api->token[i]);
    }
    return diff == 0;
}

bool web_token_ok(const WebApi *api, const char *authorization)
{
    const char *p = authorization;

    if (!api->token) {
        return true;
    }
    if (!p) {
        return false;
    }
    while (*p == ' ') {
        p++;
    }
    if (strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t')) {
        return false;
    }
    p += 6;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    /* Trailing spaces are not part of the token. */
    char buf[1024];
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
        n--;
    }
    if (n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    return web_token_equal(api, buf);
}

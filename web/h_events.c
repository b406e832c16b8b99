/*
 * web/h_events.c — GET /api/v1/events, Server-Sent Events from the event
 * hub.  (Placeholder until the hub is merged: answers 404.)
 */
#include "internal.h"

void web_h_events(WebCtx *c, WebResponse *r)
{
    if (!web_params_check(c, r)) {
        return;
    }
    web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND,
              "this memcored has no event stream");
}

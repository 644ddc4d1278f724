/**
 * What `GET /version` answers. The real server answers `{"version": "2.x.y"}` (api.go, 2.6+;
 * plain text before); ours names itself so every chaos report can say which server ran.
 */
export const TOXIPROXY_SERVER_NAME = 'statestore-ha-toxiproxy';
export const TOXIPROXY_SERVER_VERSION = '0.2.0';
export const TOXIPROXY_VERSION_STRING = `${TOXIPROXY_SERVER_NAME} ${TOXIPROXY_SERVER_VERSION}`;

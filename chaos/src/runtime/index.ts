/** Container engine (Docker, or Podman's Docker API here) and the locally built images for chaos runs. */
export {
  detectContainerEngine,
  ensureContainerEngine,
  containerEngineUnavailableReason,
  buildBaseImage,
  resolveBaseImage,
  buildImage,
  ContainerEngineError,
  DEFAULT_PODMAN_SOCKET,
  DEFAULT_BASE_IMAGE,
  DOCKER_BASE_IMAGE,
  BASE_IMAGE_ENV,
} from './container-engine';
export type { ContainerEngine, EngineAvailability, ImageBuild } from './container-engine';
export { AddressedContainer, macAddressFor } from './addressed-container';
export { engineApi, engineEndpoint, ignoreStatus, imageExists, purgeSync } from './engine-api';
export type { EngineApi, EngineContainer, EngineEndpoint, PurgeTargets } from './engine-api';
export {
  resolveToxiproxyImage,
  buildShopifyToxiproxyImage,
  buildOwnToxiproxyImage,
  DEFAULT_TOXIPROXY_IMAGE,
  OFFICIAL_TOXIPROXY_IMAGE,
  TOXIPROXY_IMAGE_ENV,
  TOXIPROXY_IMAGE_API_PORT,
} from './toxiproxy-image';
export type { ToxiproxyImage, ToxiproxyImageOptions, OwnToxiproxyImageOptions } from './toxiproxy-image';
export { resolvePrometheusImage, PrometheusImageError, PROMETHEUS_IMAGE_ENV, OFFICIAL_PROMETHEUS_IMAGE } from './prometheus-image';
export type { PrometheusImageOptions } from './prometheus-image';

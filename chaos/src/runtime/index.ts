/** Container engine (Podman's Docker API here) and the locally built images for chaos runs. */
export {
  detectContainerEngine,
  ensureContainerEngine,
  containerEngineUnavailableReason,
  buildBaseImage,
  buildImage,
  ContainerEngineError,
  DEFAULT_PODMAN_SOCKET,
  DEFAULT_BASE_IMAGE,
} from './container-engine';
export type { ContainerEngine, EngineAvailability, ImageBuild } from './container-engine';
export { buildToxiproxyImage, DEFAULT_TOXIPROXY_IMAGE } from './toxiproxy-image';

import type { CoordinatorLink } from '../../coordinator/coordinator-link.js';
import { resolveStorage } from '../../coordinator/viewer-id.js';
import type { P2PEngine } from '../../p2p/engine.js';
import { isMeteredConnection } from '../../p2p/metered.js';

export interface StartRewardsOptions {
  video: HTMLVideoElement;
  container: HTMLElement;
  engine: P2PEngine;
  coordinator: CoordinatorLink;
  supporterPrompt: boolean;
  streamId: string;
  /** Offer the built-in account form (claim, sign in); else only `requestAccount`. */
  accountForm: boolean;
  requestAccount(): void;
}

/**
 * Loads the rewards UI (its own chunk in the ESM build) once the video first plays, so it never
 * delays playback; a failure is only logged. Returns what stops it, loaded or not.
 */
export function startRewards(options: StartRewardsOptions): { destroy(): void } {
  const { video, container, engine } = options;
  let ui: { destroy(): void } | undefined;
  let destroyed = false;
  const load = () => {
    import('./rewards-ui.js')
      .then(({ mountRewards }) => {
        if (destroyed) return;
        if (getComputedStyle(container).position === 'static') {
          container.style.position = 'relative';
        }
        ui = mountRewards({
          container,
          onPoints: (listener) => engine.on('points', listener),
          setUploadPolicy: (policy) => engine.setUploadPolicy(policy),
          uploading: () => !engine.consumeOnly,
          metered: isMeteredConnection,
          uploadedBytes: () => engine.getStats().uploadedBytes,
          rewardFigures: () => options.coordinator.rewardFigures(),
          supporterCount: () => options.coordinator.supporterCount(),
          requestAccount: options.requestAccount,
          streamId: options.streamId,
          accountForm: options.accountForm,
          viewerRequest: (call) => options.coordinator.viewerRequest(call),
          publicRequest: (call) => options.coordinator.publicRequest(call),
          switchViewer: (viewerId, secret) => options.coordinator.switchViewer(viewerId, secret),
          storage: resolveStorage(undefined),
          supporterPrompt: options.supporterPrompt,
        });
      })
      .catch((error: unknown) => console.warn('streamrp2p: the rewards could not load', error));
  };
  video.addEventListener('playing', load, { once: true });
  return {
    destroy() {
      destroyed = true;
      video.removeEventListener('playing', load);
      ui?.destroy();
    },
  };
}

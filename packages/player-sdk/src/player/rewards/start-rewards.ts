import type { CoordinatorLink } from '../../coordinator/coordinator-link.js';
import { resolveStorage } from '../../coordinator/viewer-id.js';
import type { P2PEngine } from '../../p2p/engine.js';
import { isMeteredConnection } from '../../p2p/metered.js';
import { mountAfterFirstFrame, type MountedPanel } from '../panel-loader.js';

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
 * delays playback (see `mountAfterFirstFrame`). Returns what stops it, loaded or not.
 */
export function startRewards(options: StartRewardsOptions): MountedPanel {
  const { video, container, engine } = options;
  return mountAfterFirstFrame(video, container, 'rewards', () =>
    import('./rewards-ui.js').then(
      ({ mountRewards }) =>
        () =>
          mountRewards({
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
          }),
    ),
  );
}

/**
 * The player's community feed (`community` option, decision 41): loads its UI (its own chunk in
 * the ESM build, like the rewards and the chat) once the video first plays, so it never delays
 * playback (see `mountAfterFirstFrame`). A failure is only logged.
 */
import type { CoordinatorLink } from '../../coordinator/coordinator-link.js';
import { mountAfterFirstFrame, type MountedPanel } from '../panel-loader.js';

export interface StartCommunityOptions {
  video: HTMLVideoElement;
  container: HTMLElement;
  coordinator: CoordinatorLink;
  streamId: string;
  /** Between polls of the feed while the tab is visible. @default 20000 */
  pollMs?: number;
}

export function startCommunity(options: StartCommunityOptions): MountedPanel {
  const { video, container, coordinator, streamId } = options;
  const squadPath = (streamerId: string) => `/squads/${encodeURIComponent(streamerId)}`;
  return mountAfterFirstFrame(video, container, 'community feed', () =>
    import('./community-ui.js').then(
      ({ mountCommunity }) =>
        () =>
          mountCommunity({
            container,
            pollMs: options.pollMs,
            fetchFeed: () =>
              coordinator.publicRequest({
                method: 'GET',
                path: `/api/streams/${encodeURIComponent(streamId)}/community`,
              }),
            squad: {
              isMember: async (streamerId) => {
                const answer = (await coordinator.viewerRequest({
                  method: 'GET',
                  path: squadPath(streamerId),
                })) as { member?: unknown };
                return answer.member === true;
              },
              join: async (streamerId) => {
                await coordinator.viewerRequest({
                  method: 'POST',
                  path: squadPath(streamerId),
                  body: { streamId },
                });
              },
              leave: async (streamerId) => {
                await coordinator.viewerRequest({ method: 'DELETE', path: squadPath(streamerId) });
              },
            },
          }),
    ),
  );
}

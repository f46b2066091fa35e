import { describe, expect, it } from 'vitest';
import { parseCliOptions } from './cli-options.js';

const stream = 'http://127.0.0.1:8080/live/master.m3u8';

describe('parseCliOptions', () => {
  it('turns flags into node options', () => {
    expect(
      parseCliOptions([
        '--stream',
        stream,
        '--stream-id',
        'demo',
        '--tracker',
        'http://127.0.0.1:8090',
        '--max-upload-kbps',
        '2500.5',
        '--renditions',
        '240p, 360p',
        '--max-peers',
        '40',
      ]),
    ).toEqual({
      kind: 'run',
      options: {
        streamUrl: stream,
        streamId: 'demo',
        trackerUrl: 'http://127.0.0.1:8090',
        coordinatorUrl: undefined,
        maxUploadKbps: 2500.5,
        renditions: ['240p', '360p'],
        maxPeers: 40,
      },
    });
  });

  it('asks for help', () => {
    expect(parseCliOptions(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliOptions(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /--stream <master.m3u8 URL> is required/],
    [['--stream', 'ftp://x/master.m3u8'], /--stream must be an http\(s\) URL/],
    [['--stream', stream, '--max-upload-kbps', 'lots'], /--max-upload-kbps must be a positive/],
    [['--stream', stream, '--max-upload-kbps', '0'], /--max-upload-kbps must be a positive/],
    [['--stream', stream, '--max-peers', '2.5'], /--max-peers must be a positive whole number/],
    [['--stream', stream, '--renditions', ','], /--renditions must name at least one/],
    [['--stream', stream, '--tracker', 'localhost:8090'], /--tracker must be an http\(s\) URL/],
    [['--stream', stream, '--stream-id', 'a b'], /stream id must be/],
    [['--stream', stream, '--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j', (argv, message) => {
    const command = parseCliOptions(argv);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' && command.message).toMatch(message);
  });
});

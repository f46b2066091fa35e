#!/usr/bin/env bash
# make-fixture.sh — generate the committed HLS test stream in ../fixture/.
#
# Output (40 s, two renditions with aligned 2 s segments):
#   fixture/master.m3u8                 master playlist (BANDWIDTH measured from the files)
#   fixture/240p/index.m3u8, seg0..19   426x240, 210 kb/s video + 48 kb/s mono AAC (~300 kb/s in TS)
#   fixture/360p/index.m3u8, seg0..19   640x360, 540 kb/s video + 64 kb/s mono AAC (~700 kb/s in TS)
#   fixture/README.md                   how it was made and its measured properties
#
# Video: testsrc2 with a burned-in running timestamp, H.264 Constrained Baseline level 3.0,
# 30 fps, closed GOP of exactly 60 frames (2 s), scenecut off, so segment N of every rendition
# starts on a keyframe at t = 2N s. The rate control is CBR with NAL HRD filler, so sizes are
# predictable; one encoder thread and bitexact flags make reruns byte-identical.
# Audio: 48 kHz sine tone beeping once per second, AAC-LC.
#
# Idempotent: it deletes and rewrites the generated files on each run. Needs ffmpeg + ffprobe;
# the timestamp overlay is skipped when no DejaVu font is installed.
#
# Usage: examples/live-origin/scripts/make-fixture.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$here/.." && pwd)/fixture"

DURATION=40      # seconds of media
SEGMENT=2        # seconds per segment (and per GOP)
FPS=30
GOP=$((SEGMENT * FPS))
AUDIO_RATE=48000

# name width height video_kbps audio_kbps
RENDITIONS=(
  "240p 426 240 210 48"
  "360p 640 360 540 64"
)
CODECS="avc1.42c01e,mp4a.40.2"

command -v ffmpeg >/dev/null || { echo "ffmpeg is required" >&2; exit 1; }
command -v ffprobe >/dev/null || { echo "ffprobe is required" >&2; exit 1; }

font=""
for f in /usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf \
         /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf; do
  if [[ -f "$f" ]]; then font="$f"; break; fi
done

rm -rf "$out/240p" "$out/360p" "$out/master.m3u8" "$out/README.md"
mkdir -p "$out"

encode() {
  local name=$1 width=$2 height=$3 vkbps=$4 akbps=$5
  local dir="$out/$name"
  mkdir -p "$dir"
  local vf="scale=${width}:${height},format=yuv420p"
  if [[ -n "$font" ]]; then
    local size=$((height / 8))
    # pts in seconds with milliseconds, plus the rendition name: lets a viewer see both the loop
    # position and which rendition is playing.
    vf+=",drawtext=fontfile=${font}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6"
    vf+=":x=(w-tw)/2:y=h-th-${size}/2:text='${name} %{pts\\:hms}'"
  fi
  ffmpeg -hide_banner -loglevel error -y -fflags +bitexact \
    -f lavfi -i "testsrc2=size=${width}x${height}:rate=${FPS}:duration=${DURATION}" \
    -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=${AUDIO_RATE}:duration=${DURATION}" \
    -map 0:v -map 1:a -vf "$vf" -flags:v +bitexact -flags:a +bitexact \
    -c:v libx264 -threads 1 -profile:v baseline -level:v 3.0 -pix_fmt yuv420p -preset medium \
    -b:v "${vkbps}k" -maxrate "${vkbps}k" -minrate "${vkbps}k" -bufsize "$((vkbps * 2))k" \
    -x264-params "nal-hrd=cbr:keyint=${GOP}:min-keyint=${GOP}:scenecut=0:open-gop=0" \
    -g "$GOP" -keyint_min "$GOP" -sc_threshold 0 \
    -force_key_frames "expr:gte(t,n_forced*${SEGMENT})" \
    -c:a aac -profile:a aac_low -ac 1 -ar "$AUDIO_RATE" -b:a "${akbps}k" \
    -f hls -hls_time "$SEGMENT" -hls_playlist_type vod \
    -hls_segment_type mpegts -hls_segment_filename "$dir/seg%d.ts" \
    "$dir/index.m3u8"
}

# Bits per second of the whole rendition, and of its largest segment (the HLS BANDWIDTH peak).
average_bps() { local bytes; bytes=$(cat "$1"/seg*.ts | wc -c); echo $((bytes * 8 / DURATION)); }
peak_bps() {
  local max=0 s
  for f in "$1"/seg*.ts; do s=$(stat -c %s "$f"); ((s > max)) && max=$s; done
  echo $((max * 8 / SEGMENT))
}

master="#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS"
for r in "${RENDITIONS[@]}"; do
  read -r name width height vkbps akbps <<<"$r"
  echo "encoding $name (${width}x${height}, ${vkbps}k video + ${akbps}k audio)"
  encode "$name" "$width" "$height" "$vkbps" "$akbps"
  master+="
#EXT-X-STREAM-INF:BANDWIDTH=$(peak_bps "$out/$name"),AVERAGE-BANDWIDTH=$(average_bps "$out/$name"),RESOLUTION=${width}x${height},CODECS=\"${CODECS}\",FRAME-RATE=${FPS}.000
${name}/index.m3u8"
done
printf '%s\n' "$master" >"$out/master.m3u8"

# Checks: 20 segments of exactly 2 s, every keyframe on a 2 s boundary, one keyframe per segment.
report=""
for r in "${RENDITIONS[@]}"; do
  read -r name width height vkbps akbps <<<"$r"
  dir="$out/$name"
  count=$(ls "$dir"/seg*.ts | wc -l)
  expected=$((DURATION / SEGMENT))
  [[ $count -eq $expected ]] || { echo "$name: $count segments, expected $expected" >&2; exit 1; }
  bad=$(grep '^#EXTINF:' "$dir/index.m3u8" | grep -v "^#EXTINF:${SEGMENT}.000000," || true)
  [[ -z "$bad" ]] || { echo "$name: segment durations not ${SEGMENT}.000: $bad" >&2; exit 1; }
  # Segments keep stream-global timestamps: segment i must hold exactly one keyframe, at
  # first + i * SEGMENT (the first one sits after the MPEG-TS muxer's start offset).
  first=""
  for ((i = 0; i < count; i++)); do
    keys=$(ffprobe -v error -select_streams v:0 -skip_frame nokey -show_entries frame=pts_time \
      -of csv=p=0 "$dir/seg$i.ts" | cut -d, -f1)
    [[ $(wc -l <<<"$keys") -eq 1 ]] || { echo "$name seg$i: keyframes at $keys" >&2; exit 1; }
    [[ -n "$first" ]] || first=$keys
    awk -v k="$keys" -v f="$first" -v i="$i" -v s="$SEGMENT" \
      'BEGIN { d = k - f - i * s; exit (d > 0.0005 || d < -0.0005) }' ||
      { echo "$name seg$i: keyframe at $keys, expected $first + $((i * SEGMENT))" >&2; exit 1; }
  done
  bytes=$(cat "$dir"/seg*.ts | wc -c)
  min=$(stat -c %s "$dir"/seg*.ts | sort -n | head -1)
  max=$(stat -c %s "$dir"/seg*.ts | sort -n | tail -1)
  report+="| ${name} | ${width}x${height} | ${vkbps} | ${akbps} | ${count} | ${bytes} | ${min} / ${max} | $(average_bps "$dir") | $(peak_bps "$dir") |
"
done
total_kb=$(du -sk "$out" | cut -f1)
(( total_kb < 8192 )) || { echo "fixture is ${total_kb} KiB, over the 8 MiB budget" >&2; exit 1; }

overlay="a burned-in running timestamp (\`<rendition> HH:MM:SS.mmm\`, DejaVu Sans Mono)"
[[ -n "$font" ]] || overlay="no text overlay (no DejaVu font was installed)"

cat >"$out/README.md" <<EOF
# Test stream fixture

Generated by \`examples/live-origin/scripts/make-fixture.sh\` with $(ffmpeg -version | head -1 | cut -d' ' -f1-3).
Do not edit by hand: rerun the script (it is idempotent) and commit the result.

## Properties

- ${DURATION} s of \`testsrc2\` at ${FPS} fps with ${overlay}, plus a 440 Hz sine
  tone at ${AUDIO_RATE} Hz that beeps once a second.
- Video: H.264 Constrained Baseline, level 3.0 (\`avc1.42c01e\`), yuv420p, CBR with NAL HRD filler
  (\`-b:v = -maxrate = -minrate\`, \`-bufsize\` = 2 s), closed GOP of exactly ${GOP} frames
  (${SEGMENT} s), scenecut off, keyframes forced every ${SEGMENT} s.
- Audio: AAC-LC (\`mp4a.40.2\`), mono, ${AUDIO_RATE} Hz.
- Container: MPEG-TS segments of exactly ${SEGMENT}.000 s (\`#EXTINF:${SEGMENT}.000000\`), named
  \`seg0.ts\` .. \`seg$((DURATION / SEGMENT - 1)).ts\`; VOD media playlists with \`#EXT-X-ENDLIST\`.
- Segment N of every rendition covers [${SEGMENT}N, ${SEGMENT}N + ${SEGMENT}) s and starts with a keyframe
  (checked with ffprobe by the script: one keyframe per segment, on the ${SEGMENT} s grid).
- \`master.m3u8\`: BANDWIDTH = largest segment's bit rate, AVERAGE-BANDWIDTH = whole rendition's
  bit rate, both measured from the files, with RESOLUTION and CODECS="${CODECS}".

| rendition | resolution | video kb/s | audio kb/s | segments | bytes | min / max segment bytes | average b/s | peak b/s |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${report}
Total on disk: ${total_kb} KiB (\`du -sk\`).
EOF

echo "fixture written to $out (${total_kb} KiB)"

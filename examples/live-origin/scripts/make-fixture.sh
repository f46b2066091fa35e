#!/usr/bin/env bash
# make-fixture.sh — generate the committed HLS test streams.
#
#   ts    ../fixture/       40 s, 2 s MPEG-TS segments, two renditions:
#                           240p 426x240 (210 kb/s video + 48 kb/s AAC, ~300 kb/s in TS),
#                           360p 640x360 (540 kb/s video + 64 kb/s AAC, ~670 kb/s in TS)
#   fmp4  ../fixture-fmp4/  16 s, 4 s fragmented-MP4 segments with an init.mp4 per rendition,
#                           a wide ladder: 180p 320x180 (~200 kb/s), 360p 640x360 (~800 kb/s),
#                           720p 1280x720 (~1900 kb/s)
#
# Each fixture folder gets master.m3u8 (BANDWIDTH / AVERAGE-BANDWIDTH measured from the files),
# <rendition>/index.m3u8 with its segments, and a README.md with the measured properties.
#
# Video: testsrc2 with a burned-in running timestamp, H.264 Constrained Baseline, 30 fps, closed
# GOP of exactly one segment, scenecut off, so segment N of every rendition starts on a keyframe
# at t = N * segment. The rate control is CBR with NAL HRD filler, so sizes are predictable; one
# encoder thread and bitexact flags make reruns byte-identical.
# Audio: 48 kHz sine tone beeping once per second, AAC-LC, mono.
#
# Idempotent: it deletes and rewrites a fixture folder on each run. Needs ffmpeg + ffprobe; the
# timestamp overlay is skipped when no DejaVu font is installed. The READMEs are formatted with
# the monorepo's prettier when it is installed (prettier --check covers them).
#
# Usage: examples/live-origin/scripts/make-fixture.sh [ts|fmp4|all]   (default: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(cd "$here/.." && pwd)"
prettier="$package/../../node_modules/.bin/prettier"

FPS=30
AUDIO_RATE=48000

# Sets the globals that describe one fixture format.
select_format() {
  case $1 in
    ts)
      OUT="$package/fixture"
      DURATION=40 # seconds of media
      SEGMENT=2   # seconds per segment (and per GOP)
      LEVEL=30    # H.264 level x 10
      HLS_VERSION=3
      EXT=ts
      BUDGET_KIB=8192
      # name width height video_kbps audio_kbps
      RENDITIONS=(
        "240p 426 240 210 48"
        "360p 640 360 540 64"
      )
      CONTAINER="MPEG-TS"
      ;;
    fmp4)
      OUT="$package/fixture-fmp4"
      DURATION=16
      SEGMENT=4
      LEVEL=31 # 1280x720 at 30 fps needs level 3.1
      HLS_VERSION=7
      EXT=m4s
      BUDGET_KIB=6144
      RENDITIONS=(
        "180p 320 180 160 32"
        "360p 640 360 700 64"
        "720p 1280 720 1750 96"
      )
      CONTAINER="fragmented MP4 (one \`moof\` + \`mdat\` per segment; video and audio are
  muxed, so it is not strict single-track CMAF), with one initialization segment per rendition,
  \`init.mp4\` (\`#EXT-X-MAP:URI=\"init.mp4\"\`)"
      ;;
    *)
      echo "usage: $0 [ts|fmp4|all]" >&2
      exit 2
      ;;
  esac
  FORMAT=$1
  GOP=$((SEGMENT * FPS))
  COUNT=$((DURATION / SEGMENT))
  CODECS="avc1.42c0$(printf %02x "$LEVEL"),mp4a.40.2"
}

encode() {
  local name=$1 width=$2 height=$3 vkbps=$4 akbps=$5
  local dir="$OUT/$name"
  mkdir -p "$dir"
  local vf="scale=${width}:${height},format=yuv420p"
  local segments=(-hls_segment_type mpegts)
  [[ $FORMAT == fmp4 ]] && segments=(-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4)
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
    -c:v libx264 -threads 1 -profile:v baseline -level:v "$((LEVEL / 10)).$((LEVEL % 10))" \
    -pix_fmt yuv420p -preset medium \
    -b:v "${vkbps}k" -maxrate "${vkbps}k" -minrate "${vkbps}k" -bufsize "$((vkbps * 2))k" \
    -x264-params "nal-hrd=cbr:keyint=${GOP}:min-keyint=${GOP}:scenecut=0:open-gop=0" \
    -g "$GOP" -keyint_min "$GOP" -sc_threshold 0 \
    -force_key_frames "expr:gte(t,n_forced*${SEGMENT})" \
    -c:a aac -profile:a aac_low -ac 1 -ar "$AUDIO_RATE" -b:a "${akbps}k" \
    -f hls -hls_time "$SEGMENT" -hls_playlist_type vod "${segments[@]}" \
    -hls_segment_filename "$dir/seg%d.$EXT" "$dir/index.m3u8"
}

# Bits per second of the rendition's media segments (init segments are not media, RFC 8216
# 4.3.4.2), and of its largest segment (the HLS BANDWIDTH peak).
average_bps() { local bytes; bytes=$(cat "$1"/seg*."$EXT" | wc -c); echo $((bytes * 8 / DURATION)); }
peak_bps() {
  local max=0 s
  for f in "$1"/seg*."$EXT"; do s=$(stat -c %s "$f"); ((s > max)) && max=$s; done
  echo $((max * 8 / SEGMENT))
}

# Keyframe times (pts, s) of one segment. An fMP4 segment only decodes after its init segment.
keyframes() {
  local dir=$1 i=$2
  local probe=(ffprobe -v error -select_streams v:0 -skip_frame nokey
    -show_entries frame=pts_time -of csv=p=0)
  if [[ $FORMAT == fmp4 ]]; then
    cat "$dir/init.mp4" "$dir/seg$i.$EXT" | "${probe[@]}" - | cut -d, -f1
  else
    "${probe[@]}" "$dir/seg$i.$EXT" | cut -d, -f1
  fi
}

fail() { echo "$FORMAT: $*" >&2; exit 1; }

# Checks one rendition: COUNT segments of exactly SEGMENT s, the playlist header of the format,
# and exactly one keyframe per segment at first + i * SEGMENT, where `first` is shared by all
# renditions (so they are aligned). Segments keep stream-global timestamps; the first keyframe
# sits after the muxer's start offset.
check_rendition() {
  local name=$1 dir="$OUT/$1" count bad i keys
  count=$(find "$dir" -name "seg*.$EXT" | wc -l)
  [[ $count -eq $COUNT ]] || fail "$name: $count segments, expected $COUNT"
  bad=$(grep '^#EXTINF:' "$dir/index.m3u8" | grep -v "^#EXTINF:${SEGMENT}.000000," || true)
  [[ -z "$bad" ]] || fail "$name: segment durations not ${SEGMENT}.000: $bad"
  grep -qx "#EXT-X-VERSION:$HLS_VERSION" "$dir/index.m3u8" || fail "$name: not HLS version $HLS_VERSION"
  if [[ $FORMAT == fmp4 ]]; then
    grep -qx '#EXT-X-MAP:URI="init.mp4"' "$dir/index.m3u8" || fail "$name: no #EXT-X-MAP"
    [[ -s "$dir/init.mp4" ]] || fail "$name: no init.mp4"
  fi
  for ((i = 0; i < count; i++)); do
    keys=$(keyframes "$dir" "$i")
    [[ -n "$keys" && $(wc -l <<<"$keys") -eq 1 ]] || fail "$name seg$i: keyframes at $keys"
    [[ -n "$first" ]] || first=$keys
    awk -v k="$keys" -v f="$first" -v i="$i" -v s="$SEGMENT" \
      'BEGIN { d = k - f - i * s; exit (d > 0.0005 || d < -0.0005) }' ||
      fail "$name seg$i: keyframe at $keys, expected $first + $((i * SEGMENT))"
  done
}

# One row of the README table.
report_row() {
  local name=$1 width=$2 height=$3 vkbps=$4 akbps=$5 dir="$OUT/$1" init="-" bytes min max
  [[ $FORMAT == fmp4 ]] && init=$(stat -c %s "$dir/init.mp4")
  bytes=$(cat "$dir"/seg*."$EXT" | wc -c)
  min=$(stat -c %s "$dir"/seg*."$EXT" | sort -n | head -1)
  max=$(stat -c %s "$dir"/seg*."$EXT" | sort -n | tail -1)
  echo "| ${name} | ${width}x${height} | ${vkbps} | ${akbps} | ${COUNT} | ${init} | ${bytes} | ${min} / ${max} | $(average_bps "$dir") | $(peak_bps "$dir") |"
}

write_readme() {
  local report=$1 total_kib=$2 title overlay
  title="Test stream fixture ($FORMAT)"
  overlay="a burned-in running timestamp (\`<rendition> HH:MM:SS.mmm\`, DejaVu Sans Mono)"
  [[ -n "$font" ]] || overlay="no text overlay (no DejaVu font was installed)"
  cat >"$OUT/README.md" <<EOF
# ${title}

Generated by \`examples/live-origin/scripts/make-fixture.sh ${FORMAT}\` with $(ffmpeg -version | head -1 | cut -d' ' -f1-3).
Do not edit by hand: rerun the script (it is idempotent) and commit the result. Reruns with the
same ffmpeg, x264 and font builds are byte-identical; other builds give slightly different bytes.

## Properties

- ${DURATION} s of \`testsrc2\` at ${FPS} fps with ${overlay}, plus a 440 Hz sine
  tone at ${AUDIO_RATE} Hz that beeps once a second.
- Video: H.264 Constrained Baseline, level $((LEVEL / 10)).$((LEVEL % 10)) (\`${CODECS%%,*}\`), yuv420p, CBR with NAL HRD
  filler (\`-b:v = -maxrate = -minrate\`, \`-bufsize\` = 2 s), closed GOP of exactly ${GOP} frames
  (${SEGMENT} s), scenecut off, keyframes forced every ${SEGMENT} s.
- Audio: AAC-LC (\`mp4a.40.2\`), mono, ${AUDIO_RATE} Hz.
- Container: ${CONTAINER}. ${COUNT} media segments of exactly ${SEGMENT}.000 s (\`#EXTINF:${SEGMENT}.000000\`),
  named \`seg0.${EXT}\` .. \`seg$((COUNT - 1)).${EXT}\`; VOD media playlists (\`#EXT-X-VERSION:${HLS_VERSION}\`) with
  \`#EXT-X-ENDLIST\`.
- Segment N of every rendition covers [${SEGMENT}N, ${SEGMENT}N + ${SEGMENT}) s and starts with a keyframe
  (checked with ffprobe by the script: one keyframe per segment, on the ${SEGMENT} s grid, at the
  same times in every rendition).
- \`master.m3u8\` (\`#EXT-X-VERSION:${HLS_VERSION}\`): BANDWIDTH = largest segment's bit rate,
  AVERAGE-BANDWIDTH = the rendition's media segments' bit rate (init segments excluded), both
  measured from the files, with RESOLUTION and CODECS="${CODECS}".

| rendition | resolution | video kb/s | audio kb/s | segments | init bytes | segment bytes | min / max segment bytes | average b/s | peak b/s |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${report}

Total on disk: ${total_kib} KiB without this README (\`du -sk\`; the script's budget is
${BUDGET_KIB} KiB).
EOF
  if [[ -x "$prettier" ]]; then "$prettier" --log-level warn --write "$OUT/README.md"; fi
}

make_fixture() {
  select_format "$1"
  rm -rf "$OUT"
  mkdir -p "$OUT"
  local master="#EXTM3U
#EXT-X-VERSION:${HLS_VERSION}
#EXT-X-INDEPENDENT-SEGMENTS" r name width height vkbps akbps
  for r in "${RENDITIONS[@]}"; do
    read -r name width height vkbps akbps <<<"$r"
    echo "$FORMAT: encoding $name (${width}x${height}, ${vkbps}k video + ${akbps}k audio)"
    encode "$name" "$width" "$height" "$vkbps" "$akbps"
    master+="
#EXT-X-STREAM-INF:BANDWIDTH=$(peak_bps "$OUT/$name"),AVERAGE-BANDWIDTH=$(average_bps "$OUT/$name"),RESOLUTION=${width}x${height},CODECS=\"${CODECS}\",FRAME-RATE=${FPS}.000
${name}/index.m3u8"
  done
  printf '%s\n' "$master" >"$OUT/master.m3u8"

  local report="" first=""
  for r in "${RENDITIONS[@]}"; do
    read -r name width height vkbps akbps <<<"$r"
    check_rendition "$name"
    report+="$(report_row "$name" "$width" "$height" "$vkbps" "$akbps")"$'\n'
  done
  local total_kib
  total_kib=$(du -sk "$OUT" | cut -f1)
  ((total_kib < BUDGET_KIB)) || fail "fixture is ${total_kib} KiB, over the ${BUDGET_KIB} KiB budget"
  write_readme "${report%$'\n'}" "$total_kib"
  echo "$FORMAT: fixture written to $OUT (${total_kib} KiB)"
}

command -v ffmpeg >/dev/null || { echo "ffmpeg is required" >&2; exit 1; }
command -v ffprobe >/dev/null || { echo "ffprobe is required" >&2; exit 1; }

font=""
for f in /usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf \
         /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf; do
  if [[ -f "$f" ]]; then font="$f"; break; fi
done

case ${1:-all} in
  all) for format in ts fmp4; do make_fixture "$format"; done ;;
  *) make_fixture "$1" ;;
esac

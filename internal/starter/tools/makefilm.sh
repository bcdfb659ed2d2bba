#!/usr/bin/env bash
# makefilm.sh makes the starter collection's short film "Fire gode vaner i
# samarbejdet mellem skole og hjem": a calm slide film with a synthetic Danish
# voice, Danish WebVTT captions timed to the speech, and a poster frame.
#
# It is not run by the build or by CI; the results are committed under
# content/media/. Run it again after changing the script below, then paste the
# transcript it prints into the film's front matter
# (content/materials/film-fire-gode-vaner.md). The package tests check that
# the captions and the transcript say the same.
#
# Needs: bash, ffmpeg (with libx264 and the drawtext filter), ffprobe,
# espeak-ng with the Danish voice, awk and the DejaVu fonts
# (Debian: apt-get install ffmpeg espeak-ng fonts-dejavu-core).
#
# Usage: internal/starter/tools/makefilm.sh [output directory]
# The output directory defaults to internal/starter/content/media.
#
# How it works: every sentence is spoken into its own WAV file, so its exact
# length is known. The sentences are joined with short pauses into one sound
# track; each caption cue runs from the start of its sentence to just after
# its end, and each slide lasts as long as its sentences. The slides are
# coloured backgrounds with one or two lines of large text that fade in and
# out. The film is encoded as H.264 and AAC in MP4 with the index first, so
# it starts playing at once and plays on every phone.
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../content/media}
mkdir -p "$out"
out=$(cd "$out" && pwd)

name=film-fire-gode-vaner
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
bold=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
for f in "$font" "$bold"; do
	[ -r "$f" ] || { echo "makefilm: missing font $f (apt-get install fonts-dejavu-core)" >&2; exit 1; }
done
for tool in ffmpeg ffprobe espeak-ng awk; do
	command -v "$tool" >/dev/null || { echo "makefilm: $tool is not installed" >&2; exit 1; }
done

width=640
height=360
fps=25
rate=22050   # espeak-ng's sample rate
voice=da
speed=140    # words per minute; a little slower than espeak-ng's default
lead=0.8     # silence before the first sentence, in seconds
gap=0.45     # pause after each sentence
slidegap=0.5 # extra pause at the end of a slide
tail=1.2     # silence after the last sentence
linger=0.25  # how long a cue stays after its sentence ends (less than gap)

# The film, slide by slide: background colour, the slide's two lines of text
# (the second may be empty), then the sentences spoken while it shows.
# Fields are separated by "|".
slides=(
	"0x2F5D7C|Sammen om barnet|Skole og hjem|Børn har det lettere, når de voksne omkring dem arbejder sammen.|Her er fire gode vaner til samarbejdet mellem skole og hjem."
	"0x3D6B5A|1. Tal godt om skolen|Børn hører mere, end vi tror|Den første: Tal godt om skolen og om de andre børn.|Børn hører mere, end vi tror."
	"0x7A4E2D|2. Spørg ind til dagen|Hvad grinede du af i dag?|Den anden: Spørg ind til skoledagen.|Spørg for eksempel: Hvad grinede du af i dag?"
	"0x2F5D7C|3. Læs beskederne på Aula|Svar kort og venligt|Den tredje: Læs beskederne på Aula, og svar kort og venligt."
	"0x3D6B5A|4. Tag kontakt tidligt|Små spørgsmål er lette at løse|Den fjerde: Tag kontakt tidligt, hvis noget undrer jer.|Et lille spørgsmål er lettere at løse end et stort problem."
	"0x7A4E2D|Sammen giver vi børnene|en god skoletid|Sammen kan vi give børnene en god skoletid."
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# duration prints a media file's length in seconds.
duration() {
	ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$1"
}

# silence writes a WAV file of n seconds of silence.
silence() {
	ffmpeg -v error -y -f lavfi -i "anullsrc=r=$rate:cl=mono" -t "$2" -c:a pcm_s16le "$1"
}

# timestamp formats seconds as a WebVTT timestamp, hh:mm:ss.ttt.
timestamp() {
	awk -v s="$1" 'BEGIN { ms = int(s * 1000 + 0.5); printf "%02d:%02d:%02d.%03d", ms / 3600000, (ms / 60000) % 60, (ms / 1000) % 60, ms % 1000 }'
}

# wrap splits a caption into two lines at the space nearest the middle when
# it is longer than 42 characters, the usual limit for a caption line.
wrap() {
	local text=$1 n=${#1}
	if [ "$n" -le 42 ]; then
		printf '%s\n' "$text"
		return
	fi
	local mid=$((n / 2)) best=-1 i
	for ((i = 0; i < n; i++)); do
		if [ "${text:i:1}" = " " ]; then
			if [ "$best" -lt 0 ] || [ $((i > mid ? i - mid : mid - i)) -lt $((best > mid ? best - mid : mid - best)) ]; then
				best=$i
			fi
		fi
	done
	printf '%s\n%s\n' "${text:0:best}" "${text:best+1}"
}

add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }

silence "$work/lead.wav" "$lead"
silence "$work/gap.wav" "$gap"
silence "$work/slidegap.wav" "$slidegap"
silence "$work/tail.wav" "$tail"

: >"$work/audio.txt"
echo "file '$work/lead.wav'" >>"$work/audio.txt"
vtt="$work/$name.vtt"
printf 'WEBVTT\n' >"$vtt"
transcript=""
t=$lead        # where the next sound starts
slidestart=0   # where the current slide starts
cueno=0
graph=""
inputs=()
for s in "${!slides[@]}"; do
	IFS='|' read -r -a f <<<"${slides[$s]}"
	colour=${f[0]}
	printf '%s' "${f[1]}" >"$work/slide$s-1.txt"
	printf '%s' "${f[2]}" >"$work/slide$s-2.txt"
	para=""
	for ((k = 3; k < ${#f[@]}; k++)); do
		sentence=${f[k]}
		cueno=$((cueno + 1))
		wav="$work/say$cueno.wav"
		espeak-ng -v "$voice" -s "$speed" -w "$wav" "$sentence"
		d=$(duration "$wav")
		start=$t
		end=$(add "$t" "$d")
		printf '\n%d\n%s --> %s\n' "$cueno" "$(timestamp "$start")" "$(timestamp "$(add "$end" "$linger")")" >>"$vtt"
		wrap "$sentence" >>"$vtt"
		echo "file '$wav'" >>"$work/audio.txt"
		echo "file '$work/gap.wav'" >>"$work/audio.txt"
		t=$(add "$end" "$gap")
		para="${para:+$para }$sentence"
	done
	transcript="${transcript:+$transcript$'\n\n'}$para"
	if [ "$s" -eq $((${#slides[@]} - 1)) ]; then
		echo "file '$work/tail.wav'" >>"$work/audio.txt"
		t=$(add "$t" "$tail")
	else
		echo "file '$work/slidegap.wav'" >>"$work/audio.txt"
		t=$(add "$t" "$slidegap")
	fi
	# The slide shows from slidestart to t, rounded to whole frames at both
	# ends so that rounding does not add up over the film.
	frames=$(awk -v a="$slidestart" -v b="$t" -v r="$fps" 'BEGIN { printf "%d", int(b * r + 0.5) - int(a * r + 0.5) }')
	dur=$(awk -v n="$frames" -v r="$fps" 'BEGIN { printf "%.6f", n / r }')
	fade=0.5
	alpha="if(lt(t,$fade),t/$fade,if(gt(t,$dur-$fade),($dur-t)/$fade,1))"
	inputs+=(-f lavfi -i "color=c=$colour:s=${width}x${height}:r=$fps:d=$dur")
	graph+="[$s:v]drawbox=x=0:y=ih-12:w=iw:h=12:color=white@0.25:t=fill,"
	graph+="drawtext=fontfile=$bold:textfile=$work/slide$s-1.txt:fontsize=34:fontcolor=white:alpha='$alpha':x=(w-text_w)/2:y=h/2-text_h-14,"
	graph+="drawtext=fontfile=$font:textfile=$work/slide$s-2.txt:fontsize=26:fontcolor=white@0.9:alpha='$alpha':x=(w-text_w)/2:y=h/2+18[v$s];"
	slidestart=$t
done

for s in "${!slides[@]}"; do graph+="[v$s]"; done
graph+="concat=n=${#slides[@]}:v=1:a=0,format=yuv420p[v]"

ffmpeg -v error -y -f concat -safe 0 -i "$work/audio.txt" -c:a pcm_s16le "$work/voice.wav"

ffmpeg -v error -y "${inputs[@]}" -i "$work/voice.wav" \
	-filter_complex "$graph" -map '[v]' -map "${#slides[@]}:a" \
	-c:v libx264 -preset slow -tune stillimage -crf 23 -profile:v main -pix_fmt yuv420p -g $((fps * 4)) \
	-c:a aac -b:a 64k -ar 44100 -ac 1 \
	-shortest -movflags +faststart \
	-metadata title="Fire gode vaner i samarbejdet mellem skole og hjem" -metadata language=dan \
	-metadata:s:a:0 language=dan \
	"$work/$name.mp4"

# The poster is a frame from the first slide, once its text has faded in.
ffmpeg -v error -y -ss 2 -i "$work/$name.mp4" -frames:v 1 -q:v 3 "$work/$name-poster.jpg"

cp "$work/$name.mp4" "$work/$name.vtt" "$work/$name-poster.jpg" "$out/"

echo "makefilm: wrote $out/$name.mp4 ($(duration "$out/$name.mp4") s), $name.vtt and $name-poster.jpg" >&2
echo "transcript: |"
printf '%s\n' "$transcript" | sed 's/^/  /; s/^  $//'

#!/usr/bin/env bash
# makecovers.sh draws the starter collection's cover images: calm, abstract
# illustrations of simple shapes in soft colours, with no people and no text,
# 1200x630 pixels (the size link previews use), saved as progressive JPEGs of
# well under 120 KB. Each material that uses a cover describes it in its
# cover_alt field; change that text if you change a drawing.
#
# It is not run by the build or by CI; the images are committed under
# content/media/.
#
# Needs: bash, awk and ImageMagick 6 or 7 (Debian: apt-get install imagemagick).
#
# Usage: internal/starter/tools/makecovers.sh [output directory]
# The output directory defaults to internal/starter/content/media.
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../content/media}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if command -v magick >/dev/null; then
	im=(magick)
else
	im=(convert)
fi
"${im[@]}" -version | grep -q ImageMagick || { echo "makecovers: ImageMagick is not installed" >&2; exit 1; }

W=1200
H=630

# save writes the image from the ImageMagick arguments after the file name
# as a small, progressive, metadata-free JPEG.
save() {
	local file=$1
	shift
	"${im[@]}" "$@" -colorspace sRGB -strip -sampling-factor 4:2:0 -interlace JPEG -quality 84 "$out/$file"
}

# wave prints the points of a closed polygon bounded by a sine curve:
# baseline y, amplitude a, wavelength l, phase p. The polygon runs from the
# curve down to the bottom edge, or up to the top edge when a fifth argument
# "up" is given.
wave() {
	awk -v y="$1" -v a="$2" -v l="$3" -v p="$4" -v up="${5:-}" -v w="$W" -v h="$H" 'BEGIN {
		pi = atan2(0, -1)
		for (x = 0; x <= w; x += 20) printf "%d,%.1f ", x, y + a * sin(2 * pi * x / l + p)
		e = (up == "up") ? 0 : h
		printf "%d,%d 0,%d", w, e, e
	}'
}

# path prints the points of a closed polygon shaped like a winding path that
# narrows as it goes from the bottom edge up to height top, centred at cx.
path() {
	awk -v cx="$1" -v top="$2" -v h="$H" 'BEGIN {
		pi = atan2(0, -1)
		n = 40
		for (i = 0; i <= n; i++) {
			t = i / n; x = cx + 70 * sin(pi * t * 1.3); y = h - (h - top) * t; r = 48 * (1 - t) + 5
			printf "%.1f,%.1f ", x - r, y
		}
		for (i = n; i >= 0; i--) {
			t = i / n; x = cx + 70 * sin(pi * t * 1.3); y = h - (h - top) * t; r = 48 * (1 - t) + 5
			printf "%.1f,%.1f ", x + r, y
		}
	}'
}

# ring prints ImageMagick circle commands for n circles of radius r placed
# evenly on a ring of radius R around cx,cy, cycling through the colours.
ring() {
	local cx=$1 cy=$2 R=$3 r=$4 n=$5
	shift 5
	awk -v cx="$cx" -v cy="$cy" -v R="$R" -v r="$r" -v n="$n" -v colours="$*" 'BEGIN {
		pi = atan2(0, -1)
		k = split(colours, c, " ")
		for (i = 0; i < n; i++) {
			t = 2 * pi * i / n - pi / 2
			x = cx + R * cos(t); y = cy + R * sin(t)
			printf "fill %s circle %.1f,%.1f %.1f,%.1f\n", c[i % k + 1], x, y, x + r, y
		}
	}'
}

# Skolestart: a yellow sun over soft blue hills and a narrow path.
save cover-skolestart.jpg -size ${W}x${H} gradient:'#EAF3FA-#FDF7E8' \
	-fill '#F2C14E' -draw 'circle 930,170 930,250' \
	-fill '#BFD7EA' -draw 'ellipse 250,640 560,260 180,360' \
	-fill '#9DBFDB' -draw 'ellipse 980,660 620,250 180,360' \
	-fill '#5F8FB5' -draw 'ellipse 600,760 760,260 180,360' \
	-fill '#F6EBD6' -draw "polygon $(path 560 505)"

# Forældremøder: warm circles gathered round a table.
save cover-foraeldremoede.jpg -size ${W}x${H} xc:'#FBF5EE' \
	-fill '#F1E2CC' -draw 'circle 600,315 600,445' \
	-draw "$(ring 600 315 215 52 8 '#E07A5F' '#F2C14E' '#D9A066' '#E9B872')"

# Fællesskab: many small green and blue circles forming one big ring.
save cover-faellesskab.jpg -size ${W}x${H} xc:'#F1F6F4' \
	-draw "$(ring 600 315 230 26 22 '#8FB9A8' '#7FA7C9' '#3D6B5A' '#BFD7EA' '#5F8FB5')" \
	-draw "$(ring 600 315 150 18 14 '#CFE3D6' '#A9C7E0')"

# Overgange: three stepping stones across still water towards a light shore.
save cover-overgang.jpg -size ${W}x${H} gradient:'#A9C9E2-#7FA7C9' \
	-fill '#F6EEDC' -draw "polygon $(wave 110 14 900 0.6 up)" \
	-fill '#B9D3E8' -draw 'ellipse 330,260 180,5 0,360' -draw 'ellipse 860,430 210,5 0,360' -draw 'ellipse 560,540 150,4 0,360' \
	-fill '#8FB9A8' -draw 'ellipse 300,470 120,48 0,360' \
	-fill '#F2C14E' -draw 'ellipse 580,340 110,44 0,360' \
	-fill '#2F5D7C' -draw 'ellipse 850,225 100,40 0,360'

# Trivsel: soft green waves in layers under a light sky with a small sun.
save cover-trivsel.jpg -size ${W}x${H} gradient:'#F4F8F2-#E4F0E6' \
	-fill '#F2C14E' -draw 'circle 930,150 930,200' \
	-fill '#CFE3D6' -draw "polygon $(wave 330 30 1100 0)" \
	-fill '#8FB9A8' -draw "polygon $(wave 420 34 900 1.8)" \
	-fill '#5E8F76' -draw "polygon $(wave 510 28 1300 3.1)" \
	-fill '#3D6B5A' -draw "polygon $(wave 585 18 700 0.9)"

# Skole-hjem-samtaler: two big circles overlapping in the middle.
save cover-samtale.jpg -size ${W}x${H} xc:'#F7F4EE' \
	-fill '#7FA7C9' -draw 'circle 470,315 470,545' \
	\( -size ${W}x${H} xc:none -fill '#F2C14E' -draw 'circle 730,315 730,545' -channel A -evaluate multiply 0.8 +channel \) \
	-composite

# Digital kommunikation: three rounded speech bubbles floating calmly.
save cover-aula.jpg -size ${W}x${H} xc:'#F5F8FA' \
	-fill '#7FA7C9' -draw 'roundrectangle 170,80 610,230 48,48' -draw 'polygon 240,225 300,225 220,290' \
	-fill '#8FB9A8' -draw 'roundrectangle 560,250 1030,400 48,48' -draw 'polygon 940,395 880,395 965,460' \
	-fill '#E9D8BE' -draw 'roundrectangle 250,430 700,570 48,48' -draw 'polygon 320,565 380,565 300,620'

ls -l "$out"/cover-*.jpg >&2

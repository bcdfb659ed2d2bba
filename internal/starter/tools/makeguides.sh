#!/usr/bin/env bash
# makeguides.sh makes the printable one-page A4 PDFs that belong to the
# starter collection's guides. Each page is written as PostScript with real,
# selectable text (so it can be searched, copied and read aloud) and turned
# into PDF by Ghostscript, which embeds the fonts.
#
# It is not run by the build or by CI; the PDFs are committed under
# content/media/. Keep the text in line with the guides in
# content/materials/.
#
# Needs: bash, awk, iconv and Ghostscript
# (Debian: apt-get install ghostscript; pdftoppm from poppler-utils to look).
#
# Usage: internal/starter/tools/makeguides.sh [output directory]
# The output directory defaults to internal/starter/content/media.
#
# The pages are described in a small line format, one element per line:
#   META title|subject   document title and subject
#   TITLE text           the title, white on a coloured band
#   SUB text             a line under the title, in the band
#   H text               a section heading
#   C text               a line with a box to tick
#   B text               a bullet point
#   P text               a paragraph
#   N n|title|text       a numbered point with a short title
#   L                    an empty line to write on
#   FOOT text            the footer
# The text must fit in ISO Latin-1 (Danish letters do; typographic dashes
# and quotes do not), and the page must not overflow: the script stops if it
# would.
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../content/media}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for tool in gs awk iconv; do
	command -v "$tool" >/dev/null || { echo "makeguides: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The PostScript that lays out the elements. Sizes are in points; A4 is
# 595 x 842.
prolog() {
	cat <<'PS'
%!PS-Adobe-3.0
%%Pages: 1
%%BoundingBox: 0 0 595 842
%%EndComments
<< /PageSize [595 842] >> setpagedevice
[ {Catalog} << /Lang (da-DK) >> /PUT pdfmark
[ {Catalog} << /ViewerPreferences << /DisplayDocTitle true >> >> /PUT pdfmark
/reencode { findfont dup length dict begin
  { 1 index /FID ne { def } { pop pop } ifelse } forall
  /Encoding ISOLatin1Encoding 256 array copy dup 45 /hyphen put def
  currentdict end definefont pop } def
/Fr /Helvetica reencode
/Fb /Helvetica-Bold reencode
/R { /Fr findfont exch scalefont setfont } def
/Bd { /Fb findfont exch scalefont setfont } def
/blue { 0.184 0.365 0.486 setrgbcolor } def
/ink { 0.13 0.13 0.13 setrgbcolor } def
/lm 56 def /rm 539 def /bottom 64 def
/y 842 def /x0 lm def /lh 15 def
/room { y bottom lt { (makeguides: the page is full) print flush quit } if } def
/newline { /y y lh sub def room x0 y moveto } def
/wordout { dup stringwidth pop currentpoint pop add rm gt { newline } if show ( ) show } def
/wshow { { ( ) search { exch pop wordout } { wordout exit } ifelse } loop } def
/TITLE { gsave blue 0 730 595 112 rectfill grestore
  1 setgray 26 Bd lm 790 moveto show /y 730 def } def
/SUB { 1 setgray 12 R /x0 lm def /lh 15 def /y 766 def lm y moveto wshow /y 730 def ink } def
/H { /y y 34 sub def room blue 16 Bd lm y moveto show /y y 4 sub def ink } def
/C { /y y 22 sub def room ink 0.9 setlinewidth lm y 1 sub 11 11 rectstroke
  12.5 R /x0 lm 24 add def /lh 15 def x0 y moveto wshow } def
/B { /y y 20 sub def room blue newpath lm 5 add y 4 add 2.6 0 360 arc fill
  ink 12.5 R /x0 lm 24 add def /lh 15 def x0 y moveto wshow } def
/P { /y y 19 sub def room ink 12.5 R /x0 lm def /lh 15 def x0 y moveto wshow } def
/L { /y y 30 sub def room gsave 0.6 setgray 0.6 setlinewidth lm y moveto rm y lineto stroke grestore } def
/N { /y y 64 sub def room
  gsave blue newpath lm 18 add y 6 add 18 0 360 arc fill grestore
  1 setgray 18 Bd dup stringwidth pop 2 div lm 18 add exch sub y moveto show
  blue 16 Bd lm 52 add y 10 add moveto show
  ink 13 R /x0 lm 52 add def /lh 16 def x0 y 10 sub moveto /y y 10 sub def wshow } def
/FOOT { gsave 0.35 setgray 9 R lm 36 moveto show grestore } def
PS
}

# topost turns the line format on standard input into PostScript calls.
topost() {
	awk -F '\t' '
	function ps(s) { gsub(/\\/, "\\\\", s); gsub(/\(/, "\\(", s); gsub(/\)/, "\\)", s); return "(" s ")" }
	/^[[:space:]]*$/ { next }
	{
		op = $0; sub(/ .*/, "", op)
		text = substr($0, length(op) + 2)
		if (op == "META") {
			split(text, m, "|")
			printf "[ /Title %s /Subject %s /Author (Bindeled) /Keywords (skole, hjem, forældre) /DOCINFO pdfmark\n", ps(m[1]), ps(m[2])
		} else if (op == "N") {
			split(text, m, "|")
			printf "%s %s %s N\n", ps(m[3]), ps(m[2]), ps(m[1])
		} else if (op == "L") {
			print "L"
		} else if (op ~ /^(TITLE|SUB|H|C|B|P|FOOT)$/) {
			printf "%s %s\n", ps(text), op
		} else {
			printf "makeguides: unknown element %s\n", op > "/dev/stderr"; exit 1
		}
	}
	END { print "showpage" }'
}

# render writes one PDF from the page description on standard input.
render() {
	local name=$1
	{ prolog; topost; } >"$work/$name.utf8.ps"
	iconv -f UTF-8 -t ISO-8859-1 "$work/$name.utf8.ps" >"$work/$name.ps"
	gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dCompatibilityLevel=1.7 \
		-dPDFSETTINGS=/printer -dEmbedAllFonts=true -dSubsetFonts=true \
		-sOutputFile="$out/$name.pdf" "$work/$name.ps" >"$work/$name.log" 2>&1 || {
		cat "$work/$name.log" >&2
		exit 1
	}
	if grep -q 'makeguides:' "$work/$name.log"; then
		cat "$work/$name.log" >&2
		rm -f "$out/$name.pdf"
		exit 1
	fi
	ls -l "$out/$name.pdf" >&2
}

render tjekliste-skole-hjem-samtalen <<'EOF'
META Tjekliste til skole-hjem-samtalen|Sådan forbereder I jer til skole-hjem-samtalen: før, under og efter samtalen.
TITLE Tjekliste til skole-hjem-samtalen
SUB Samtalen er kort, så det betaler sig at forberede sig. Sæt et kryds, når I har gjort det.
H Før samtalen
C Læs det, skolen har sendt på Aula. Måske skal I svare på nogle spørgsmål.
C Tal med jeres barn. Hvad går godt? Hvad er svært? Hvem er barnet sammen med?
C Spørg jeres barn: Er der noget, du gerne vil have, at vi taler om?
C Skriv to eller tre ting ned, som I gerne vil spørge om.
C Tænk over, om der er noget derhjemme, som skolen bør vide.
C Har I brug for en tolk? Sig det til skolen i god tid.
H Under samtalen
C Kom til tiden. Tiden er kort, og der venter tit andre.
C Lyt til, hvad læreren fortæller. Sig til, hvis I ikke forstår et ord.
C Stil jeres spørgsmål, og fortæl, hvad I ser derhjemme.
C Spørg: Hvordan kan vi hjælpe derhjemme?
C Aftal, hvad der skal ske nu, og hvem der gør hvad.
H Efter samtalen
C Fortæl jeres barn om samtalen. Start med det gode.
C Gør det, I har aftalt.
C Følg op efter nogle uger. Virker det, I aftalte?
H Gode spørgsmål at stille
B Hvordan har mit barn det i klassen? Hvad er mit barn godt til?
B Hvad skal mit barn øve sig på? Hvem er mit barn sammen med i frikvartererne?
H Vores spørgsmål
L
L
L
FOOT Tjekliste til skole-hjem-samtalen. Må gerne printes, kopieres og deles.
EOF

render god-tone-paa-aula <<'EOF'
META Fem gode vaner på Aula|Fem enkle vaner, der gør Aula til et rart sted for forældre, lærere og pædagoger.
TITLE Fem gode vaner på Aula
SUB På skrift kan en besked lyde hårdere, end den var ment. Sådan gør vi Aula til et rart sted for alle.
N 1|Skriv, som du ville tale|Skriv, som hvis personen stod foran dig. Start med en hilsen, og slut med dit navn.
N 2|Hold det kort og klart|Skriv om én ting i hver besked. Sæt det vigtigste først, og skriv, hvad du gerne vil have svar på.
N 3|Tal sammen, når det er svært|Er du vred eller bekymret? Vent med at sende. Bed hellere om en samtale end at skrive en lang besked.
N 4|Skriv om dit eget barn, ikke om andres|Skriv aldrig om andre børn i beskeder til mange. Er der problemer mellem børn, så skriv til læreren eller pædagogen.
N 5|Giv tid til svar|Lærere og pædagoger er sammen med børnene det meste af dagen. Haster det, så ring til skolen.
H Det har vi aftalt i vores klasse
L
L
L
L
FOOT Fem gode vaner på Aula. Må gerne printes, hænges op og deles.
EOF

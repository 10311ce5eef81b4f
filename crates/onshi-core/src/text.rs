//! Text normalisation for comparing what the national online qualification
//! confirmation system (オンライン資格確認) returns with what the clinic has on file.
//!
//! The national system and a clinic's own records write the same person in
//! different ways. Names come back in kanji with a full-width space, readings
//! come back in half-width katakana, and insurance-card 記号/番号 come back in
//! full-width digits with whatever hyphen the insurer happened to type.
//! Insurers are also replacing variant kanji (髙, 﨑, 𠮷, …) with their standard
//! forms, so the two sides will disagree on spelling for years to come.
//!
//! This module therefore offers three kinds of tools. Width converters turn
//! half-width katakana into full-width katakana and back without touching
//! anything else. Comparison keys ([`name_key`], [`number_key`]) fold away
//! differences that carry no meaning, so that two spellings of the same thing
//! compare equal. Finally, [`compare_names`] tells apart "the same",
//! "the same except for variant kanji" and "different", so that the UI can show
//! both spellings side by side instead of a bare "mismatch".
//!
//! Keys are only ever for comparing: callers must keep and display the
//! original strings, because staff need to see exactly what each side holds.
//! Characters that the national system could not convert arrive as ●
//! (U+25CF); they are unknown, never a wildcard, and staff must be warned
//! about them ([`has_unconvertible`], [`unconvertible_positions`]).

use unicode_normalization::UnicodeNormalization;

/// The character the national system puts where it could not convert one.
pub const UNCONVERTIBLE: char = '\u{25CF}';

/// The half-width voiced sound mark, which follows its base as a separate character.
const HALF_DAKUTEN: char = 'ﾞ';

/// The half-width semi-voiced sound mark, which follows its base as a separate character.
const HALF_HANDAKUTEN: char = 'ﾟ';

/// Every character of the half-width katakana block (U+FF61–U+FF9F) with its
/// full-width form, sorted by the half-width character so that it can be
/// binary-searched. The voicing marks map to the spacing marks ゛ and ゜,
/// because that is what a lone mark means on screen; NFKC would instead give
/// the combining marks U+3099/U+309A, which cannot stand on their own.
#[rustfmt::skip]
const HALF_TO_FULL: [(char, char); 63] = [
    ('｡', '。'), ('｢', '「'), ('｣', '」'), ('､', '、'), ('･', '・'),
    ('ｦ', 'ヲ'),
    ('ｧ', 'ァ'), ('ｨ', 'ィ'), ('ｩ', 'ゥ'), ('ｪ', 'ェ'), ('ｫ', 'ォ'),
    ('ｬ', 'ャ'), ('ｭ', 'ュ'), ('ｮ', 'ョ'), ('ｯ', 'ッ'), ('ｰ', 'ー'),
    ('ｱ', 'ア'), ('ｲ', 'イ'), ('ｳ', 'ウ'), ('ｴ', 'エ'), ('ｵ', 'オ'),
    ('ｶ', 'カ'), ('ｷ', 'キ'), ('ｸ', 'ク'), ('ｹ', 'ケ'), ('ｺ', 'コ'),
    ('ｻ', 'サ'), ('ｼ', 'シ'), ('ｽ', 'ス'), ('ｾ', 'セ'), ('ｿ', 'ソ'),
    ('ﾀ', 'タ'), ('ﾁ', 'チ'), ('ﾂ', 'ツ'), ('ﾃ', 'テ'), ('ﾄ', 'ト'),
    ('ﾅ', 'ナ'), ('ﾆ', 'ニ'), ('ﾇ', 'ヌ'), ('ﾈ', 'ネ'), ('ﾉ', 'ノ'),
    ('ﾊ', 'ハ'), ('ﾋ', 'ヒ'), ('ﾌ', 'フ'), ('ﾍ', 'ヘ'), ('ﾎ', 'ホ'),
    ('ﾏ', 'マ'), ('ﾐ', 'ミ'), ('ﾑ', 'ム'), ('ﾒ', 'メ'), ('ﾓ', 'モ'),
    ('ﾔ', 'ヤ'), ('ﾕ', 'ユ'), ('ﾖ', 'ヨ'),
    ('ﾗ', 'ラ'), ('ﾘ', 'リ'), ('ﾙ', 'ル'), ('ﾚ', 'レ'), ('ﾛ', 'ロ'),
    ('ﾜ', 'ワ'), ('ﾝ', 'ン'),
    ('ﾞ', '゛'), ('ﾟ', '゜'),
];

/// Half-width bases that merge with a following ﾞ, with the precomposed
/// full-width result, sorted by the half-width base for binary search.
#[rustfmt::skip]
const DAKUTEN: [(char, char); 23] = [
    ('ｦ', 'ヺ'), ('ｳ', 'ヴ'),
    ('ｶ', 'ガ'), ('ｷ', 'ギ'), ('ｸ', 'グ'), ('ｹ', 'ゲ'), ('ｺ', 'ゴ'),
    ('ｻ', 'ザ'), ('ｼ', 'ジ'), ('ｽ', 'ズ'), ('ｾ', 'ゼ'), ('ｿ', 'ゾ'),
    ('ﾀ', 'ダ'), ('ﾁ', 'ヂ'), ('ﾂ', 'ヅ'), ('ﾃ', 'デ'), ('ﾄ', 'ド'),
    ('ﾊ', 'バ'), ('ﾋ', 'ビ'), ('ﾌ', 'ブ'), ('ﾍ', 'ベ'), ('ﾎ', 'ボ'),
    ('ﾜ', 'ヷ'),
];

/// Half-width bases that merge with a following ﾟ, with the precomposed
/// full-width result, sorted by the half-width base for binary search.
#[rustfmt::skip]
const HANDAKUTEN: [(char, char); 5] = [
    ('ﾊ', 'パ'), ('ﾋ', 'ピ'), ('ﾌ', 'プ'), ('ﾍ', 'ペ'), ('ﾎ', 'ポ'),
];

/// The inverse tables, built at compile time so that the data is written only
/// once and cannot drift apart, and re-sorted by the full-width character so
/// that they can be binary-searched as well.
const FULL_TO_HALF: [(char, char); 63] = inverted(HALF_TO_FULL);
const FULL_DAKUTEN: [(char, char); 23] = inverted(DAKUTEN);
const FULL_HANDAKUTEN: [(char, char); 5] = inverted(HANDAKUTEN);

/// Swaps each pair and sorts by the new key. A plain insertion sort is enough
/// because it runs once, at compile time, on at most 63 entries.
const fn inverted<const N: usize>(table: [(char, char); N]) -> [(char, char); N] {
    let mut out = table;
    let mut i = 0;
    while i < N {
        out[i] = (table[i].1, table[i].0);
        i += 1;
    }
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && (out[j - 1].0 as u32) > (out[j].0 as u32) {
            let previous = out[j - 1];
            out[j - 1] = out[j];
            out[j] = previous;
            j -= 1;
        }
        i += 1;
    }
    out
}

/// Looks `key` up in a table of pairs sorted by their first element.
fn lookup(table: &[(char, char)], key: char) -> Option<char> {
    table
        .binary_search_by_key(&key, |&(k, _)| k)
        .ok()
        .and_then(|i| table.get(i))
        .map(|&(_, value)| value)
}

/// Converts half-width katakana (U+FF61–U+FF9F) to full-width katakana.
///
/// A half-width base followed by ﾞ or ﾟ becomes one precomposed character
/// (ｶﾞ→ガ, ﾊﾟ→パ, ｳﾞ→ヴ, ﾜﾞ→ヷ) where such a character exists; otherwise the
/// mark stands alone as ゛ or ゜. Punctuation of the block (｡｢｣､･ｰ) becomes its
/// full-width form. Everything else, including ASCII and the ASCII space, is
/// left as it is, which is why this uses a table rather than NFKC: NFKC would
/// also rewrite full-width letters, digits and compatibility kanji.
pub fn to_full_width_kana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let marks: &[(char, char)] = match chars.peek() {
            Some(&HALF_DAKUTEN) => &DAKUTEN,
            Some(&HALF_HANDAKUTEN) => &HANDAKUTEN,
            _ => &[],
        };
        if let Some(composed) = lookup(marks, c) {
            out.push(composed);
            // The mark has been merged into the base, so it must not be emitted again.
            chars.next();
        } else {
            out.push(lookup(&HALF_TO_FULL, c).unwrap_or(c));
        }
    }
    out
}

/// Converts full-width katakana to half-width katakana, the inverse of
/// [`to_full_width_kana`].
///
/// Voiced and semi-voiced letters split into base and mark (ガ→ｶﾞ, パ→ﾊﾟ,
/// ヴ→ｳﾞ), 。「」、・ー and ゛゜ become their half-width forms, and the
/// full-width space U+3000 becomes an ASCII space. Characters that have no
/// half-width form (ヰ, ヱ, ヵ, ヶ, ヮ, ヸ, ヹ, hiragana, kanji, …) are left as
/// they are rather than approximated, because an approximation would silently
/// change a name.
///
/// Half-width text cannot tell カ゛ (letter plus lone mark) from ガ, so a lone
/// ゛ or ゜ directly after a letter that has a voiced form comes back from
/// [`to_full_width_kana`] as the precomposed letter.
pub fn to_half_width_kana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{3000}' {
            out.push(' ');
        } else if let Some(half) = lookup(&FULL_TO_HALF, c) {
            out.push(half);
        } else if let Some(base) = lookup(&FULL_DAKUTEN, c) {
            out.push(base);
            out.push(HALF_DAKUTEN);
        } else if let Some(base) = lookup(&FULL_HANDAKUTEN, c) {
            out.push(base);
            out.push(HALF_HANDAKUTEN);
        } else {
            out.push(c);
        }
    }
    out
}

/// Distance between a hiragana and the katakana with the same sound; both
/// blocks are laid out in the same order.
const HIRAGANA_TO_KATAKANA_OFFSET: u32 = 0x60;

/// Converts hiragana (U+3041–U+3096) and the iteration marks ゝゞ to katakana,
/// so that a reading typed in either script compares equal. Everything else,
/// including ー and the voicing marks shared by both scripts, is left alone.
pub fn hiragana_to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ' => char::from_u32(
                u32::from(c) + HIRAGANA_TO_KATAKANA_OFFSET,
            )
            .expect(
                "U+30A1..=U+30FE are assigned scalar values, not surrogates, so the shift is valid",
            ),
            _ => c,
        })
        .collect()
}

/// The comparison key for names and kana readings.
///
/// It applies NFKC (which also merges half-width ｶﾞ into ガ and turns
/// full-width letters into ASCII), removes every whitespace character
/// (including the full-width space U+3000, since the family/given separator is
/// written differently by each side), and turns hiragana into katakana. The
/// prolonged sound mark ー is never folded, because in a name it is a real
/// kana. Use the key only for comparing; display the original.
pub fn name_key(s: &str) -> String {
    // The spacing marks ゛ and ゜ (legacy charts write ヴ as ウ゛) become the combining marks first,
    // so that NFKC composes them with the kana before them; NFKC alone would turn them into a space
    // and a lone mark.
    let combined: String = s
        .chars()
        .map(|c| match c {
            '\u{309B}' => '\u{3099}',
            '\u{309C}' => '\u{309A}',
            c => c,
        })
        .collect();
    let folded: String = combined
        .nfkc()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .collect();
    hiragana_to_katakana(&folded)
}

/// Characters that show nothing but ride along when text is pasted from PDFs, spreadsheets and web
/// pages: soft hyphen, zero-width and direction marks, word joiners, byte order marks, and the
/// variation selectors (an ideographic variant of a character names the same person). Comparison
/// keys drop them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Tells whether `c` is one of the characters people type as the hyphen in
/// an insurance-card 記号/番号. NFKC leaves most of these unchanged, so they
/// need an explicit fold; ー and ｰ are included because in a number they can
/// only be a mistyped hyphen.
fn is_hyphen_like(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{30FC}'
                | '\u{FF70}'
    )
}

/// The comparison key for insurance-card 記号, 番号 and 枝番.
///
/// It applies NFKC (full-width digits and letters become ASCII), removes every
/// whitespace character, and folds every hyphen variant (‐ ‑ ‒ – — ― − ﹘ ﹣ －
/// ー ｰ) to the ASCII hyphen-minus. Never use it on names: there ー is a kana.
pub fn number_key(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .map(|c| if is_hyphen_like(c) { '-' } else { c })
        .collect()
}

/// The character indices (not byte offsets) of every ● in `s`, so that the UI
/// can point at each character the national system could not convert.
pub fn unconvertible_positions(s: &str) -> Vec<usize> {
    s.chars()
        .enumerate()
        .filter_map(|(i, c)| (c == UNCONVERTIBLE).then_some(i))
        .collect()
}

/// Tells whether `s` holds a ●, in which case staff must be warned and must
/// not pass the item on as it stands.
pub fn has_unconvertible(s: &str) -> bool {
    s.contains(UNCONVERTIBLE)
}

/// A variant kanji and the standard form that insurers are replacing it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VariantPair {
    /// The variant (異体字/旧字体) form, as a chart may still hold it.
    pub variant: char,
    /// The standard form that the national system is moving to.
    pub standard: char,
}

/// Builds a table entry; it exists only to keep the table on one line per pair.
const fn pair(variant: char, standard: char) -> VariantPair {
    VariantPair { variant, standard }
}

/// Common variant kanji in Japanese surnames with their standard forms,
/// sorted by the variant's code point so that it can be binary-searched.
///
/// U+FA10 (塚) is canonically equivalent to U+585A (塚), so NFC and NFKC
/// already fold it; it is listed so that [`variants_in`] can still point it
/// out in a raw string.
#[rustfmt::skip]
pub const VARIANTS: &[VariantPair] = &[
    pair('冨', '富'),         // U+51A8 → U+5BCC
    pair('國', '国'),         // U+570B → U+56FD
    pair('嶋', '島'),         // U+5D8B → U+5CF6
    pair('廣', '広'),         // U+5EE3 → U+5E83
    pair('彌', '弥'),         // U+5F4C → U+5F25
    pair('德', '徳'),         // U+5FB7 → U+5FB3
    pair('惠', '恵'),         // U+60E0 → U+6075
    pair('栁', '柳'),         // U+6801 → U+67F3
    pair('槇', '槙'),         // U+69C7 → U+69D9
    pair('櫻', '桜'),         // U+6AFB → U+685C
    pair('淺', '浅'),         // U+6DFA → U+6D45
    pair('澤', '沢'),         // U+6FA4 → U+6CA2
    pair('濱', '浜'),         // U+6FF1 → U+6D5C
    pair('濵', '浜'),         // U+6FF5 → U+6D5C
    pair('眞', '真'),         // U+771E → U+771F
    pair('邉', '辺'),         // U+9089 → U+8FBA
    pair('邊', '辺'),         // U+908A → U+8FBA
    pair('關', '関'),         // U+95DC → U+95A2
    pair('靑', '青'),         // U+9751 → U+9752
    pair('髙', '高'),         // U+9AD9 → U+9AD8
    pair('黑', '黒'),         // U+9ED1 → U+9ED2
    pair('齊', '斉'),         // U+9F4A → U+6589
    pair('齋', '斎'),         // U+9F4B → U+658E
    pair('\u{FA10}', '塚'),   // U+FA10 → U+585A
    pair('\u{FA11}', '崎'),   // U+FA11 → U+5D0E
    pair('\u{20BB7}', '吉'),  // U+20BB7 → U+5409
];

/// Finds the table entry whose variant is `c`.
fn variant_pair(c: char) -> Option<VariantPair> {
    VARIANTS
        .binary_search_by_key(&c, |p| p.variant)
        .ok()
        .and_then(|i| VARIANTS.get(i))
        .copied()
}

/// Replaces every variant kanji in `s` with its standard form.
pub fn standard_form(s: &str) -> String {
    s.chars()
        .map(|c| variant_pair(c).map_or(c, |p| p.standard))
        .collect()
}

/// The variant pairs whose variant occurs in `s`, in order of first
/// occurrence and without duplicates.
pub fn variants_in(s: &str) -> Vec<VariantPair> {
    let mut found = Vec::new();
    for p in s.chars().filter_map(variant_pair) {
        if !found.contains(&p) {
            found.push(p);
        }
    }
    found
}

/// How two spellings of a name relate to each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// The names have the same [`name_key`].
    Same,
    /// The names differ only where one side has a variant kanji; the pairs
    /// are those at the differing positions, from either side, so that the UI
    /// can show both forms.
    SameExceptVariants(Vec<VariantPair>),
    /// The names differ in some other way.
    Different,
}

/// Compares two names (or two readings) for the UI.
///
/// The result is [`NameMatch::Same`] when the [`name_key`]s are equal,
/// [`NameMatch::SameExceptVariants`] when they become equal after
/// [`standard_form`] on both sides, and [`NameMatch::Different`] otherwise.
/// A ● is an unknown character, not a wildcard, so it only ever matches
/// another ● in the same place.
pub fn compare_names(a: &str, b: &str) -> NameMatch {
    let key_a = name_key(a);
    let key_b = name_key(b);
    if key_a == key_b {
        return NameMatch::Same;
    }
    if standard_form(&key_a) != standard_form(&key_b) {
        return NameMatch::Different;
    }
    // Standard forms map one character to one character, so equal standard
    // forms mean the keys line up character by character, and each position
    // where they differ holds at least one variant.
    let mut pairs = Vec::new();
    for (x, y) in key_a.chars().zip(key_b.chars()) {
        if x == y {
            continue;
        }
        for p in [x, y].into_iter().filter_map(variant_pair) {
            if !pairs.contains(&p) {
                pairs.push(p);
            }
        }
    }
    NameMatch::SameExceptVariants(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every half-width katakana code point, U+FF61 to U+FF9F, in order.
    const ALL_HALF_WIDTH: &str = "｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ";

    /// The full-width counterparts of `ALL_HALF_WIDTH`, in the same order.
    const ALL_FULL_WIDTH: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";

    fn check_full(input: &str, expected: &str) {
        assert_eq!(
            to_full_width_kana(input),
            expected,
            "to_full_width_kana({input:?})"
        );
    }

    fn check_half(input: &str, expected: &str) {
        assert_eq!(
            to_half_width_kana(input),
            expected,
            "to_half_width_kana({input:?})"
        );
    }

    fn check_hiragana(input: &str, expected: &str) {
        assert_eq!(
            hiragana_to_katakana(input),
            expected,
            "hiragana_to_katakana({input:?})"
        );
    }

    fn check_name_key(input: &str, expected: &str) {
        assert_eq!(name_key(input), expected, "name_key({input:?})");
    }

    fn check_number_key(input: &str, expected: &str) {
        assert_eq!(number_key(input), expected, "number_key({input:?})");
    }

    fn check_positions(input: &str, expected: &[usize]) {
        assert_eq!(
            unconvertible_positions(input),
            expected,
            "positions in {input:?}"
        );
        assert_eq!(
            has_unconvertible(input),
            !expected.is_empty(),
            "has_unconvertible({input:?})"
        );
    }

    fn check_standard(input: &str, expected: &str) {
        assert_eq!(standard_form(input), expected, "standard_form({input:?})");
    }

    fn check_variants_in(input: &str, expected: &[(char, char)]) {
        let expected: Vec<VariantPair> = expected.iter().map(|&(v, s)| pair(v, s)).collect();
        assert_eq!(variants_in(input), expected, "variants_in({input:?})");
    }

    fn check_compare(a: &str, b: &str, expected: NameMatch) {
        assert_eq!(compare_names(a, b), expected, "compare_names({a:?}, {b:?})");
        // The relation is symmetric except for the order of the listed pairs,
        // so compare the reverse direction as a set.
        let reversed = compare_names(b, a);
        match (&expected, &reversed) {
            (NameMatch::SameExceptVariants(x), NameMatch::SameExceptVariants(y)) => {
                assert_eq!(x.len(), y.len(), "compare_names({b:?}, {a:?})");
                assert!(
                    x.iter().all(|p| y.contains(p)),
                    "compare_names({b:?}, {a:?})"
                );
            }
            _ => assert_eq!(reversed, expected, "compare_names({b:?}, {a:?})"),
        }
    }

    fn assert_strictly_sorted(name: &str, keys: &[char]) {
        for w in keys.windows(2) {
            assert!(w[0] < w[1], "{name} is not strictly sorted at {:?}", w);
        }
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        let keys = |t: &[(char, char)]| t.iter().map(|&(k, _)| k).collect::<Vec<_>>();
        assert_strictly_sorted("HALF_TO_FULL", &keys(&HALF_TO_FULL));
        assert_strictly_sorted("FULL_TO_HALF", &keys(&FULL_TO_HALF));
        assert_strictly_sorted("DAKUTEN", &keys(&DAKUTEN));
        assert_strictly_sorted("FULL_DAKUTEN", &keys(&FULL_DAKUTEN));
        assert_strictly_sorted("HANDAKUTEN", &keys(&HANDAKUTEN));
        assert_strictly_sorted("FULL_HANDAKUTEN", &keys(&FULL_HANDAKUTEN));
        let variants: Vec<char> = VARIANTS.iter().map(|p| p.variant).collect();
        assert_strictly_sorted("VARIANTS", &variants);
    }

    #[test]
    fn literal_half_width_list_is_the_whole_block() {
        let block: String = ('\u{FF61}'..='\u{FF9F}').collect();
        assert_eq!(ALL_HALF_WIDTH, block);
        assert_eq!(ALL_FULL_WIDTH.chars().count(), 63);
    }

    #[test]
    fn every_half_width_code_point_has_a_full_width_mapping() {
        for (half, full) in ALL_HALF_WIDTH.chars().zip(ALL_FULL_WIDTH.chars()) {
            check_full(&half.to_string(), &full.to_string());
            assert!(
                !('\u{FF61}'..='\u{FF9F}').contains(&lookup(&HALF_TO_FULL, half).unwrap_or(half)),
                "U+{:04X} has no full-width mapping",
                u32::from(half)
            );
        }
        // The whole block at once: ﾝﾞ has no precomposed form, so the mark stays alone.
        check_full(ALL_HALF_WIDTH, ALL_FULL_WIDTH);
    }

    #[test]
    fn full_width_table_agrees_with_nfkc_except_for_the_marks() {
        // NFKC is an independent source for the letters; the two marks differ
        // on purpose (spacing ゛゜ instead of combining U+3099/U+309A).
        for &(half, full) in &HALF_TO_FULL {
            if half == HALF_DAKUTEN || half == HALF_HANDAKUTEN {
                continue;
            }
            let nfkc: String = half.to_string().nfkc().collect();
            assert_eq!(nfkc, full.to_string(), "U+{:04X}", u32::from(half));
        }
    }

    #[test]
    fn voiced_tables_are_complete_according_to_nfkc() {
        // A base has a precomposed voiced form exactly when NFKC of base + mark
        // is a single character, and then it must be the one in our table.
        for half in ('\u{FF66}'..='\u{FF9D}').filter(|&c| c != 'ｰ') {
            for (mark, table) in [
                (HALF_DAKUTEN, &DAKUTEN[..]),
                (HALF_HANDAKUTEN, &HANDAKUTEN[..]),
            ] {
                let nfkc: Vec<char> = [half, mark].iter().collect::<String>().nfkc().collect();
                let ours = lookup(table, half);
                if nfkc.len() == 1 {
                    assert_eq!(ours, Some(nfkc[0]), "{half}{mark}");
                } else {
                    assert_eq!(ours, None, "{half}{mark}");
                }
            }
        }
    }

    #[test]
    fn to_full_width_kana_cases() {
        let cases = [
            // Voiced rows.
            ("ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ"),
            ("ｻﾞｼﾞｽﾞｾﾞｿﾞ", "ザジズゼゾ"),
            ("ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ", "ダヂヅデド"),
            ("ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ", "バビブベボ"),
            ("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"),
            ("ｳﾞ", "ヴ"),
            ("ﾜﾞ", "ヷ"),
            ("ｦﾞ", "ヺ"),
            // Lone marks and marks without a precomposed form.
            ("ﾞ", "゛"),
            ("ﾟ", "゜"),
            ("ﾞﾞ", "゛゛"),
            ("ｱﾞ", "ア゛"),
            ("ｶﾟ", "カ゜"),
            ("ﾝﾞ", "ン゛"),
            ("ｶﾞﾞ", "ガ゛"),
            ("aﾞ", "a゛"),
            // A full-width base does not merge with a half-width mark.
            ("カﾞ", "カ゛"),
            // Seed names: the ASCII space stays an ASCII space.
            ("ｼﾝﾊﾞｼ ﾀﾛｳ", "シンバシ タロウ"),
            ("新橋　太郎", "新橋　太郎"),
            // Punctuation and the prolonged sound mark.
            ("｢ｺｰﾋｰ｣､ｹｰｷ･ﾊﾟﾝ｡", "「コーヒー」、ケーキ・パン。"),
            // Mixed text: ASCII, full-width ASCII, kanji and hiragana untouched.
            ("ABC 123 新橋ｼﾝﾊﾞｼ", "ABC 123 新橋シンバシ"),
            ("ＡＢＣ１２３", "ＡＢＣ１２３"),
            ("しんばし", "しんばし"),
            ("髙橋 ﾀｶﾊｼ", "髙橋 タカハシ"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_full(input, expected);
        }
    }

    #[test]
    fn to_half_width_kana_cases() {
        let cases = [
            ("ガ", "ｶﾞ"),
            ("パ", "ﾊﾟ"),
            ("ヴ", "ｳﾞ"),
            ("ヷ", "ﾜﾞ"),
            ("ヺ", "ｦﾞ"),
            ("ー", "ｰ"),
            ("。「」、・", "｡｢｣､･"),
            ("゛゜", "ﾞﾟ"),
            ("ガギグゲゴザジズゼゾダヂヅデド", "ｶﾞｷﾞｸﾞｹﾞｺﾞｻﾞｼﾞｽﾞｾﾞｿﾞﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ"),
            ("バビブベボパピプペポ", "ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"),
            ("シンバシ　タロウ", "ｼﾝﾊﾞｼ ﾀﾛｳ"),
            ("シンバシ タロウ", "ｼﾝﾊﾞｼ ﾀﾛｳ"),
            // No half-width form: left as they are.
            ("ヰヱヵヶヮヸヹヽヾ", "ヰヱヵヶヮヸヹヽヾ"),
            ("新橋", "新橋"),
            ("ひらがな", "ひらがな"),
            ("ABC-123", "ABC-123"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_half(input, expected);
        }
        check_half(ALL_FULL_WIDTH, ALL_HALF_WIDTH);
    }

    #[test]
    fn round_trips() {
        let all_katakana = [
            ALL_FULL_WIDTH,
            "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴヷヺ",
            "シンバシタロウ",
            "コーヒー",
            "「ヤマダ」、ハナコ・ヴィオラ。",
        ];
        for s in all_katakana {
            assert_eq!(
                to_full_width_kana(&to_half_width_kana(s)),
                s,
                "full(half({s:?}))"
            );
        }
        for &(_, full) in HALF_TO_FULL.iter().chain(&DAKUTEN).chain(&HANDAKUTEN) {
            let s = full.to_string();
            assert_eq!(
                to_full_width_kana(&to_half_width_kana(&s)),
                s,
                "full(half({s:?}))"
            );
        }
        assert_eq!(
            to_half_width_kana(&to_full_width_kana(ALL_HALF_WIDTH)),
            ALL_HALF_WIDTH
        );
        assert_eq!(
            to_half_width_kana(&to_full_width_kana("ｼﾝﾊﾞｼ ﾀﾛｳ")),
            "ｼﾝﾊﾞｼ ﾀﾛｳ"
        );
    }

    #[test]
    fn lone_mark_after_a_voiceable_letter_is_lost_in_half_width() {
        // Half-width text cannot tell カ゛ from ガ; this documents the one
        // place where the round trip does not hold.
        check_half("カ゛", "ｶﾞ");
        check_full("ｶﾞ", "ガ");
    }

    #[test]
    fn hiragana_to_katakana_cases() {
        let cases = [
            ("しんばし たろう", "シンバシ タロウ"),
            ("ぁあぃいゔゕゖ", "ァアィイヴヵヶ"),
            ("ゝゞ", "ヽヾ"),
            ("がぱ", "ガパ"),
            // Already katakana, shared marks and other scripts are untouched.
            ("カタカナー", "カタカナー"),
            ("゛゜ゟ", "゛゜ゟ"),
            ("漢字ABC", "漢字ABC"),
            ("ｶﾅ", "ｶﾅ"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_hiragana(input, expected);
        }
    }

    #[test]
    fn name_key_cases() {
        let cases = [
            ("ｼﾝﾊﾞｼ ﾀﾛｳ", "シンバシタロウ"),
            ("シンバシ　タロウ", "シンバシタロウ"),
            ("しんばし たろう", "シンバシタロウ"),
            ("ｼﾝﾊﾞｼ　ﾀﾛｳ", "シンバシタロウ"),
            ("新橋　太郎", "新橋太郎"),
            ("新橋 太郎", "新橋太郎"),
            (" 新橋\t太郎\n", "新橋太郎"),
            // The prolonged sound mark is a kana in names and must survive.
            ("ｺｰﾀﾞ ｹﾝ", "コーダケン"),
            ("こーだ", "コーダ"),
            // Full-width letters in a name become ASCII.
            ("ＪＯＨＮ　ＳＭＩＴＨ", "JOHNSMITH"),
            // Variant kanji are kept: name_key is not standard_form.
            ("髙橋　一郎", "髙橋一郎"),
            ("新●　太●", "新●太●"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_name_key(input, expected);
        }
    }

    #[test]
    fn number_key_cases() {
        let cases = [
            ("123-456", "123-456"),
            ("１２３-４５６", "123-456"),
            ("１２３\u{2010}４５６", "123-456"),
            ("１２３\u{2011}４５６", "123-456"),
            ("１２３\u{2012}４５６", "123-456"),
            ("１２３\u{2013}４５６", "123-456"),
            ("１２３\u{2014}４５６", "123-456"),
            ("１２３\u{2015}４５６", "123-456"),
            ("１２３\u{2212}４５６", "123-456"),
            ("１２３\u{FE58}４５６", "123-456"),
            ("１２３\u{FE63}４５６", "123-456"),
            ("１２３\u{FF0D}４５６", "123-456"),
            ("１２３ー４５６", "123-456"),
            ("１２３ｰ４５６", "123-456"),
            ("１２３ ‐ ４５６", "123-456"),
            ("１２３　４５６", "123456"),
            ("ＡＢ－１２", "AB-12"),
            ("０１", "01"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_number_key(input, expected);
        }
    }

    #[test]
    fn unconvertible_positions_cases() {
        let cases: [(&str, &[usize]); 6] = [
            ("新●　太●", &[1, 4]),
            ("新橋　太郎", &[]),
            ("●", &[0]),
            ("ｼﾝ●ｼ", &[2]),
            ("𠮷●", &[1]),
            ("", &[]),
        ];
        for (input, expected) in cases {
            check_positions(input, expected);
        }
    }

    #[test]
    fn variant_table_code_points() {
        // Written out separately as numbers so that a look-alike character in
        // the table cannot slip through unnoticed.
        let expected: [(u32, u32); 26] = [
            (0x51A8, 0x5BCC),
            (0x570B, 0x56FD),
            (0x5D8B, 0x5CF6),
            (0x5EE3, 0x5E83),
            (0x5F4C, 0x5F25),
            (0x5FB7, 0x5FB3),
            (0x60E0, 0x6075),
            (0x6801, 0x67F3),
            (0x69C7, 0x69D9),
            (0x6AFB, 0x685C),
            (0x6DFA, 0x6D45),
            (0x6FA4, 0x6CA2),
            (0x6FF1, 0x6D5C),
            (0x6FF5, 0x6D5C),
            (0x771E, 0x771F),
            (0x9089, 0x8FBA),
            (0x908A, 0x8FBA),
            (0x95DC, 0x95A2),
            (0x9751, 0x9752),
            (0x9AD9, 0x9AD8),
            (0x9ED1, 0x9ED2),
            (0x9F4A, 0x6589),
            (0x9F4B, 0x658E),
            (0xFA10, 0x585A),
            (0xFA11, 0x5D0E),
            (0x20BB7, 0x5409),
        ];
        let actual: Vec<(u32, u32)> = VARIANTS
            .iter()
            .map(|p| (u32::from(p.variant), u32::from(p.standard)))
            .collect();
        for p in VARIANTS {
            println!(
                "{} U+{:04X} -> {} U+{:04X}",
                p.variant,
                u32::from(p.variant),
                p.standard,
                u32::from(p.standard)
            );
            assert_ne!(p.variant, p.standard);
            // A standard form must not itself be a variant, or standard_form
            // would need to run more than once.
            assert_eq!(
                variant_pair(p.standard),
                None,
                "{} is listed as a variant",
                p.standard
            );
        }
        assert_eq!(actual, expected);
    }

    #[test]
    fn standard_form_cases() {
        let cases = [
            ("髙橋", "高橋"),
            ("山﨑", "山崎"),
            ("𠮷田", "吉田"),
            ("栁田", "柳田"),
            ("渡邉", "渡辺"),
            ("渡邊", "渡辺"),
            ("齋藤", "斎藤"),
            ("齊藤", "斉藤"),
            ("濵田", "浜田"),
            ("濱田", "浜田"),
            ("大\u{FA10}", "大塚"),
            ("髙﨑　德", "高崎　徳"),
            ("新橋　太郎", "新橋　太郎"),
            ("ｼﾝﾊﾞｼ", "ｼﾝﾊﾞｼ"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_standard(input, expected);
        }
    }

    #[test]
    fn variants_in_cases() {
        let cases: [(&str, &[(char, char)]); 6] = [
            ("髙橋", &[('髙', '高')]),
            ("髙﨑髙", &[('髙', '高'), ('\u{FA11}', '崎')]),
            ("𠮷田", &[('\u{20BB7}', '吉')]),
            ("渡邊邉", &[('邊', '辺'), ('邉', '辺')]),
            ("大\u{FA10}", &[('\u{FA10}', '塚')]),
            ("高橋", &[]),
        ];
        for (input, expected) in cases {
            check_variants_in(input, expected);
        }
    }

    #[test]
    fn compare_names_cases() {
        use NameMatch::{Different, Same, SameExceptVariants};
        let cases = [
            (
                "髙橋　太郎",
                "高橋　太郎",
                SameExceptVariants(vec![pair('髙', '高')]),
            ),
            ("髙橋", "高橋", SameExceptVariants(vec![pair('髙', '高')])),
            (
                "𠮷田",
                "吉田",
                SameExceptVariants(vec![pair('\u{20BB7}', '吉')]),
            ),
            (
                "山﨑",
                "山崎",
                SameExceptVariants(vec![pair('\u{FA11}', '崎')]),
            ),
            (
                "渡邉",
                "渡邊",
                SameExceptVariants(vec![pair('邉', '辺'), pair('邊', '辺')]),
            ),
            // A variant present on both sides is not a difference, so it is not listed.
            (
                "髙﨑",
                "髙崎",
                SameExceptVariants(vec![pair('\u{FA11}', '崎')]),
            ),
            ("髙橋", "髙橋", Same),
            ("新橋　太郎", "新橋　太郎", Same),
            ("新橋　太郎", "新橋 太郎", Same),
            ("ｼﾝﾊﾞｼ ﾀﾛｳ", "シンバシ　タロウ", Same),
            ("ｼﾝﾊﾞｼ ﾀﾛｳ", "しんばし　たろう", Same),
            // NFKC already treats U+FA10 as U+585A (they are canonically equivalent).
            ("大\u{FA10}", "大塚", Same),
            ("新橋　太郎", "新橋　次郎", Different),
            ("高橋", "髙島", Different),
            ("コーダ", "コダ", Different),
            ("新橋", "新橋太郎", Different),
            // ● is unknown, not a wildcard.
            ("新●太郎", "新橋太郎", Different),
            ("新●　太郎", "新●　太郎", Same),
            ("新●", "●橋", Different),
            ("髙●", "高●", SameExceptVariants(vec![pair('髙', '高')])),
            ("", "", Same),
        ];
        for (a, b, expected) in cases {
            check_compare(a, b, expected);
        }
    }

    /// Regression (found in review): ウ゛ (spacing dakuten) did not meet ヴ or ｳﾞ, and invisible
    /// characters pasted with a name or number kept it from matching.
    #[test]
    fn spacing_marks_and_invisible_characters_fold_away() {
        let same = |a: &str, b: &str| assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        same("ウ゛ィクトリア", "ヴィクトリア");
        same("ウ゛ィクトリア", "ｳﾞｨｸﾄﾘｱ");
        same("カ゛ッコウ", "ガッコウ");
        same("ハ゜ン", "パン");
        same("新\u{200B}橋　太郎", "新橋 太郎");
        same("葛\u{E0100}飾", "葛飾");
        assert_eq!(
            compare_names("ウ゛ィクトリア", "ヴィクトリア"),
            NameMatch::Same
        );
        assert_eq!(number_key("12\u{200B}3\u{00AD}4\u{FEFF}"), "1234");
    }
}

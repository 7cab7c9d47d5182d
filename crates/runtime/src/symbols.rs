//! Subnet token symbols: the reference chain's table of 439 (Greek, Hebrew, Arabic, Armenian,
//! Georgian, Ethiopic, Devanagari, Tamil, Thai, Sinhala… letters), so a subnet's alpha has the
//! same name on Plexus as on Bittensor. Entry 0, Τ, is root's; a new subnet takes the entry of
//! its netuid, or the first one free.

use crate::state::State;
use plexus_primitives::NetUid;

/// Every symbol a subnet's token may have, by the netuid it defaults to.
pub const SYMBOLS: [&str; 439] = [
    "Τ", "α", "β", "γ", "δ", "ε", "ζ", "η", "θ", "ι", "κ", "λ", "μ", "ν", "ξ", "ο", "π", "ρ", "σ",
    "t", "υ", "φ", "χ", "ψ", "ω", "א", "ב", "ג", "ד", "ה", "ו", "ז", "ח", "ט", "י", "ך", "כ", "ל",
    "ם", "מ", "ן", "נ", "ס", "ע", "ף", "פ", "ץ", "צ", "ק", "ר", "ש", "ת", "ا", "ب", "ت", "ث", "ج",
    "ح", "خ", "د", "ذ", "ر", "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ك", "ل", "م",
    "ن", "ه", "و", "ي", "ى", "ᚠ", "ᚢ", "ᚦ", "ᚨ", "ᚱ", "ᚳ", "Ы", "ᛉ", "ᛒ", " ", "ᚁ", "ᚂ", "ᚃ", "ᚄ",
    "ᚅ", "᚛", "ა", "ბ", "გ", "დ", "ე", "ვ", "Ա", "Բ", "Գ", "Դ", "Ե", "Զ", "՞", "Ѐ", "Ё", "Ђ", "Ѓ",
    "Є", "Ѕ", "ъ", "Ⲁ", "ⲁ", "Ⲃ", "ⲃ", "Ⲅ", "ⲅ", "𑀀", "𑀁", "𑀂", "𑀃", "𑀅", "න", "ඳ", "ප", "ඵ", "බ",
    "භ", "Ⰰ", "Ⰱ", "Ⰲ", "Ⰳ", "Ⰴ", "Ⰵ", "Ⰶ", "Ⰷ", "Ⰸ", "Ⰹ", "Ⰺ", "Ⰻ", "Ⰼ", "Ⰽ", "Ⰾ", "Ⰿ", "Ⱀ", "Ⱁ",
    "Ⱂ", "Ⱃ", "Ⱄ", "Ⱅ", "Ⱆ", "Ⱇ", "Ⱈ", "Ⱉ", "Ⱊ", "Ⱋ", "Ⱌ", "Ⱍ", "Ⱎ", "Ⱏ", "Ⱐ", "ก", "ข", "ฃ", "ค",
    "ฅ", "ฆ", "ง", "จ", "ฉ", "ช", "ซ", "ฌ", "ญ", "ฎ", "ฏ", "ฐ", "ฑ", "ฒ", "ณ", "ด", "ต", "ถ", "ท",
    "ธ", "น", "บ", "ป", "ผ", "ฝ", "พ", "ฟ", "ภ", "ม", "ย", "ร", "ล", "ว", "ศ", "ษ", "ส", "ห", "ฬ",
    "อ", "ฮ", "ㄱ", "ㄴ", "ㄷ", "ㄹ", "ㅁ", "ㅂ", "ㅅ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ",
    "ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅘ", "ㅙ", "ㅚ", "ㅛ", "ㅜ", "ㅝ", "ㅞ",
    "ㅟ", "ㅠ", "ㅡ", "ㅢ", "ㅣ", "አ", "ኡ", "ኢ", "ኣ", "ኤ", "እ", "ኦ", "ኧ", "ወ", "ዉ", "ዊ", "ዋ", "ዌ",
    "ው", "ዎ", "ኰ", "኱", "ኲ", "ኳ", "ኴ", "ኵ", "኶", "ጐ", "጑", "ጒ", "መ", "ጔ", "ጕ", "጖", "अ", "आ", "इ",
    "ई", "उ", "ऊ", "ऋ", "ए", "ऐ", "ओ", "औ", "क", "ख", "ग", "घ", "ङ", "च", "छ", "ज", "झ", "ञ", "ट",
    "ठ", "ड", "ढ", "ण", "त", "थ", "द", "ध", "न", "प", "फ", "ब", "भ", "म", "य", "र", "ल", "व", "श",
    "ष", "स", "ह", "ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス",
    "セ", "ソ", "タ", "チ", "ツ", "テ", "ト", "ナ", "ニ", "ヌ", "ネ", "ノ", "ハ", "ヒ", "フ", "ヘ",
    "ホ", "マ", "ミ", "ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ", "ル", "レ", "ロ", "ワ", "ヲ",
    "ン", "ⴰ", "ⴱ", "ⴲ", "ⴳ", "ⴴ", "ⴵ", "ⴶ", "ⴷ", "ⴸ", "ⴹ", "ⴺ", "ⴻ", "ⴼ", "ⴽ", "ⴾ", "ⴿ", "ⵀ", "ⵁ",
    "ⵂ", "ⵃ", "ⵄ", "ⵅ", "ⵆ", "ⵇ", "ⵈ", "ⵉ", "ⵊ", "ⵋ", "ⵌ", "ⵍ", "ⵎ", "ⵏ", "ⵐ", "ⵑ", "ⵒ", "ⵓ", "අ",
    "ආ", "ඉ", "ඊ", "උ", "ඌ", "ඍ", "ඎ", "ඏ", "ඐ", "එ", "ඒ", "ඓ", "ඔ", "ඕ", "ඖ", "ක", "ඛ", "ග", "ඝ",
    "ඞ", "ච", "ඡ", "ජ", "ඣ", "ඤ", "ට", "ඥ", "ඦ", "ඩ", "ඨ", "ඪ", "ණ", "ඬ", "ත", "ථ", "ද", "ධ",
];

impl State {
    /// The symbol of `netuid`'s token: the one its owner chose or it was given, else the
    /// table's entry for its netuid.
    pub fn token_symbol(&self, netuid: NetUid) -> String {
        match self.token_symbols.get(&netuid) {
            Some(symbol) => symbol.clone(),
            None => SYMBOLS
                .get(usize::from(netuid))
                .unwrap_or(&SYMBOLS[0])
                .to_string(),
        }
    }

    /// The symbol a subnet registered as `netuid` gets: its own entry if no subnet uses it,
    /// else the first free one (Τ when all are taken).
    pub(crate) fn next_symbol(&self, netuid: NetUid) -> String {
        let taken = |symbol: &str| self.token_symbols.iter().any(|(_, s)| s == symbol);
        let own = SYMBOLS.get(usize::from(netuid)).copied();
        own.filter(|s| netuid != 0 && !taken(s))
            .or_else(|| SYMBOLS.iter().skip(1).copied().find(|s| !taken(s)))
            .unwrap_or(SYMBOLS[0])
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_the_table_is_the_references() {
        assert_eq!(SYMBOLS.len(), 439);
        assert_eq!(&SYMBOLS[..4], &["Τ", "α", "β", "γ"]);
        assert_eq!(SYMBOLS[19], "t");
        assert_eq!(SYMBOLS[438], "ධ");
        let mut unique = SYMBOLS.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 439);
    }
}

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// Accent stripping without ICU (the app runs with invariant globalization, where string.Normalize does not
/// decompose): precomposed lower-case Latin, Greek and Cyrillic letters map to their base letter, as NFD followed by
/// removing combining marks does (table generated from Unicode 14.0.0 data); Hangul syllables
/// decompose algorithmically into conjoining jamo. Combining marks themselves are removed by the caller.
/// </summary>
internal static class AccentFolding
{
    private const string Accented =
        "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřś" +
        "ŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǣǧǩǫǭǯǰǵǹǻǽǿȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳḁḃ" +
        "ḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃ" +
        "ẅẇẉẋẍẏẑẓẕẖẗẘẙẛạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹʹ;΅·ΐ" +
        "άέήίΰϊϋόύώϓϔἀἁἂἃἄἅἆἇἐἑἒἓἔἕἠἡἢἣἤἥἦἧἰἱἲἳἴἵἶἷὀὁὂὃὄὅὐὑὒὓὔὕὖὗὠὡὢὣὤὥὦὧ" +
        "ὰάὲέὴήὶίὸόὺύὼώᾀᾁᾂᾃᾄᾅᾆᾇᾐᾑᾒᾓᾔᾕᾖᾗᾠᾡᾢᾣᾤᾥᾦᾧᾰᾱᾲᾳᾴᾶᾷι῁ῂῃῄῆῇ῍῎῏ῐῑῒΐῖῗ῝῞῟" +
        "ῠῡῢΰῤῥῦῧ῭΅`ῲῳῴῶῷ´йѐёѓїќѝўѷӂӑӓӗӛӝӟӣӥӧӫӭӯӱӳӵӹ";
    private const string Bases =
        "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrs" +
        "sssttuuuuuuwyzzzouaiouuuuuaaægkooʒjgnaæøaaeeiioorruusthaeooooyab" +
        "bbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttuuuuuvvww" +
        "wwwxxyzzzhtwyſaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyyʹ;¨·ι" +
        "αεηιυιυουωϒϒααααααααεεεεεεηηηηηηηηιιιιιιιιοοοοοουυυυυυυυωωωωωωωω" +
        "ααεεηηιιοουυωωααααααααηηηηηηηηωωωωωωωωαααααααι¨ηηηηη᾿᾿᾿ιιιιιι῾῾῾" +
        "υυυυρρυυ¨¨`ωωωωω´иеегікиуѵжааеәжзииоөэууучы";

    private static readonly Dictionary<char, char> BaseOf = Accented.Zip(Bases).ToDictionary(p => p.First, p => p.Second);

    /// <summary>Appends c without its accents (a Hangul syllable as its jamo).</summary>
    public static void AppendStripped(char c, System.Text.StringBuilder sb)
    {
        const int sBase = 0xAC00, lBase = 0x1100, vBase = 0x1161, tBase = 0x11A7, tCount = 28, nCount = 588, sCount = 11172;
        int s = c - sBase;
        if (s is >= 0 and < sCount)
        {
            sb.Append((char)(lBase + s / nCount)).Append((char)(vBase + s % nCount / tCount));
            if (s % tCount != 0) sb.Append((char)(tBase + s % tCount));
            return;
        }
        sb.Append(BaseOf.TryGetValue(c, out var b) ? b : c);
    }
}

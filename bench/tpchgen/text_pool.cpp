// Text pool construction for fedq-tpchgen (see text_pool.h).
#include "tpchgen/text_pool.h"

#include <algorithm>
#include <vector>

namespace fedq::tpchgen {
namespace {

struct WeightedWord {
    const char* word;
    int weight;
};

class Distribution {
  public:
    template <size_t N>
    explicit Distribution(const WeightedWord (&words)[N]) {
        int total = 0;
        for (const auto& entry : words) {
            total += entry.weight;
            words_.emplace_back(entry.word);
            cumulative_.push_back(total);
        }
    }

    std::string_view pick(Rng& rng) const {
        const int target = static_cast<int>(rng.uniform(0, cumulative_.back() - 1));
        const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
        return words_[static_cast<size_t>(it - cumulative_.begin())];
    }

  private:
    std::vector<std::string_view> words_;
    std::vector<int> cumulative_;
};

// Word grammar for comments (clause 4.2.2.10), with the weights of dbgen's dists.dss.
constexpr WeightedWord kNouns[] = {
    {"packages", 40},     {"requests", 40},     {"accounts", 40},      {"deposits", 40},
    {"foxes", 20},        {"ideas", 20},        {"theodolites", 20},   {"pinto beans", 20},
    {"instructions", 20}, {"dependencies", 10}, {"excuses", 10},       {"platelets", 10},
    {"asymptotes", 10},   {"courts", 5},        {"dolphins", 5},       {"multipliers", 1},
    {"sauternes", 1},     {"warthogs", 1},      {"frets", 1},          {"dinos", 1},
    {"attainments", 1},   {"somas", 1},         {"Tiresias", 1},       {"patterns", 1},
    {"forges", 1},        {"braids", 1},        {"hockey players", 1}, {"frays", 1},
    {"warhorses", 1},     {"dugouts", 1},       {"notornis", 1},       {"epitaphs", 1},
    {"pearls", 1},        {"tithes", 1},        {"waters", 1},         {"orbits", 1},
    {"gifts", 1},         {"sheaves", 1},       {"depths", 1},         {"sentiments", 1},
    {"decoys", 1},        {"realms", 1},        {"pains", 1},          {"grouches", 1},
    {"escapades", 1},
};
constexpr WeightedWord kVerbs[] = {
    {"sleep", 20},  {"wake", 20},  {"are", 20},    {"cajole", 20}, {"haggle", 20},   {"nag", 10},
    {"use", 10},    {"boost", 10}, {"affix", 5},   {"detect", 5},  {"integrate", 5}, {"maintain", 1},
    {"nod", 1},     {"was", 1},    {"lose", 1},    {"sublate", 1}, {"solve", 1},     {"thrash", 1},
    {"promise", 1}, {"engage", 1}, {"hinder", 1},  {"print", 1},   {"x-ray", 1},     {"breach", 1},
    {"eat", 1},     {"grow", 1},   {"impress", 1}, {"mold", 1},    {"poach", 1},     {"serve", 1},
    {"run", 1},     {"dazzle", 1}, {"snooze", 1},  {"doze", 1},    {"unwind", 1},    {"kindle", 1},
    {"play", 1},    {"hang", 1},   {"believe", 1}, {"doubt", 1},
};
constexpr WeightedWord kAdjectives[] = {
    {"special", 20}, {"pending", 20},  {"unusual", 20}, {"express", 20}, {"furious", 1}, {"sly", 1},
    {"careful", 1},  {"blithe", 1},    {"quick", 1},    {"fluffy", 1},   {"slow", 1},    {"quiet", 1},
    {"ruthless", 1}, {"thin", 1},      {"close", 1},    {"dogged", 1},   {"daring", 1},  {"brave", 1},
    {"stealthy", 1}, {"permanent", 1}, {"enticing", 1}, {"idle", 1},     {"busy", 1},    {"regular", 50},
    {"final", 40},   {"ironic", 40},   {"even", 30},    {"bold", 20},    {"silent", 10},
};
constexpr WeightedWord kAdverbs[] = {
    {"sometimes", 1},  {"always", 1},     {"never", 1},      {"furiously", 50},  {"slyly", 50},
    {"carefully", 50}, {"blithely", 40},  {"quickly", 30},   {"fluffily", 20},   {"slowly", 1},
    {"quietly", 1},    {"ruthlessly", 1}, {"thinly", 1},     {"closely", 1},     {"doggedly", 1},
    {"daringly", 1},   {"bravely", 1},    {"stealthily", 1}, {"permanently", 1}, {"enticingly", 1},
    {"idly", 1},       {"busily", 1},     {"regularly", 1},  {"finally", 1},     {"ironically", 1},
    {"evenly", 1},     {"boldly", 1},     {"silently", 1},
};
constexpr WeightedWord kPrepositions[] = {
    {"about", 50},
    {"above", 50},
    {"according to", 50},
    {"across", 50},
    {"after", 50},
    {"against", 40},
    {"along", 40},
    {"alongside of", 30},
    {"among", 30},
    {"around", 20},
    {"at", 10},
    {"atop", 1},
    {"before", 1},
    {"behind", 1},
    {"beneath", 1},
    {"beside", 1},
    {"besides", 1},
    {"between", 1},
    {"beyond", 1},
    {"by", 1},
    {"despite", 1},
    {"during", 1},
    {"except", 1},
    {"for", 1},
    {"from", 1},
    {"in place of", 1},
    {"inside", 1},
    {"instead of", 1},
    {"into", 1},
    {"near", 1},
    {"of", 1},
    {"on", 1},
    {"outside", 1},
    {"over", 1},
    {"past", 1},
    {"since", 1},
    {"through", 1},
    {"throughout", 1},
    {"to", 1},
    {"toward", 1},
    {"under", 1},
    {"until", 1},
    {"up", 1},
    {"upon", 1},
    {"without", 1},
    {"with", 1},
    {"within", 1},
};
constexpr WeightedWord kAuxiliaries[] = {
    {"do", 1},
    {"may", 1},
    {"might", 1},
    {"shall", 1},
    {"will", 1},
    {"would", 1},
    {"can", 1},
    {"could", 1},
    {"should", 1},
    {"ought to", 1},
    {"must", 1},
    {"will have to", 1},
    {"shall have to", 1},
    {"could have to", 1},
    {"should have to", 1},
    {"must have to", 1},
    {"need to", 1},
    {"try to", 1},
};
constexpr WeightedWord kTerminators[] = {{".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1}};
// Sentence, noun phrase and verb phrase templates: N noun phrase, V verb phrase, P preposition + "the" +
// noun phrase, T terminator; inside phrases J adjective, D adverb, X auxiliary, N noun, ',' a comma.
constexpr WeightedWord kSentences[] = {{"NVT", 3}, {"NVPT", 3}, {"NVNT", 3}, {"NPVNT", 1}, {"NPVPT", 1}};
constexpr WeightedWord kNounPhrases[] = {{"N", 10}, {"JN", 20}, {"J,JN", 10}, {"DJN", 50}};
constexpr WeightedWord kVerbPhrases[] = {{"V", 30}, {"XV", 1}, {"VD", 40}, {"XVD", 1}};

// Appends sentences of the grammar to a string.
class SentenceWriter {
  public:
    explicit SentenceWriter(std::string& text)
        : text_(text),
          nouns_(kNouns),
          verbs_(kVerbs),
          adjectives_(kAdjectives),
          adverbs_(kAdverbs),
          prepositions_(kPrepositions),
          auxiliaries_(kAuxiliaries),
          terminators_(kTerminators),
          sentences_(kSentences),
          noun_phrases_(kNounPhrases),
          verb_phrases_(kVerbPhrases) {}

    void append_sentence(Rng& rng) {
        for (char symbol : sentences_.pick(rng)) {
            switch (symbol) {
                case 'N':
                    append_phrase(rng, noun_phrases_.pick(rng));
                    break;
                case 'V':
                    append_phrase(rng, verb_phrases_.pick(rng));
                    break;
                case 'P':
                    append_word(prepositions_.pick(rng));
                    append_word("the");
                    append_phrase(rng, noun_phrases_.pick(rng));
                    break;
                case 'T':
                    text_.append(terminators_.pick(rng));
                    break;
                default:
                    break;
            }
        }
    }

  private:
    void append_phrase(Rng& rng, std::string_view pattern) {
        for (char symbol : pattern) {
            switch (symbol) {
                case 'N':
                    append_word(nouns_.pick(rng));
                    break;
                case 'J':
                    append_word(adjectives_.pick(rng));
                    break;
                case 'D':
                    append_word(adverbs_.pick(rng));
                    break;
                case 'V':
                    append_word(verbs_.pick(rng));
                    break;
                case 'X':
                    append_word(auxiliaries_.pick(rng));
                    break;
                case ',':
                    text_.push_back(',');
                    break;
                default:
                    break;
            }
        }
    }

    void append_word(std::string_view word) {
        if (!text_.empty()) text_.push_back(' ');
        text_.append(word);
    }

    std::string& text_;
    Distribution nouns_, verbs_, adjectives_, adverbs_, prepositions_, auxiliaries_, terminators_;
    Distribution sentences_, noun_phrases_, verb_phrases_;
};

}  // namespace

TextPool::TextPool(size_t size, uint64_t seed) {
    Rng rng(seed, 0);
    text_.reserve(size + 256);
    SentenceWriter writer(text_);
    while (text_.size() < size) writer.append_sentence(rng);
    text_.resize(size);
}

}  // namespace fedq::tpchgen

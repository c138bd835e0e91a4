// Tokenizer and recursive-descent parser for DynamoDB expressions.
//
// The grammar follows DynamoDB's (as documented in the Developer Guide, "Condition and
// filter expressions", "Update expressions", "Projection expressions"):
//
//   condition  := and (OR and)*        (precedence, loosest first: OR, AND, NOT, the rest)
//   and        := not (AND not)*
//   not        := NOT not | primary
//   primary    := '(' condition ')' | comparison
//   comparison := operand (comparator operand | BETWEEN operand AND operand
//                          | IN '(' operand (',' operand)* ')')
//               | function-call
//   operand    := :value | '(' operand ')' | name '(' args ')' | path
//   path       := (name | #name) ('.' (name | #name) | '[' digits ']')*
//   update     := (SET set, ... | REMOVE path, ... | ADD path :v, ... | DELETE path :v, ...)+
//   set        := path '=' (value | '(' value ')'),  value := operand [('+' | '-') operand]
//   projection := path (',' path)*
//
// A '(' that starts a condition is ambiguous between a parenthesized condition and a
// parenthesized operand; both readings are tried and, when both fail, the error of the
// one that read further is reported, as DynamoDB's parser does.
#include <algorithm>
#include <cctype>
#include <string>

#include "engine/expression_internal.h"

namespace issuetracker::engine {
namespace {

// ---------------------------------------------------------------- tokenizer

enum class Tok : uint8_t {
  kId,     // a name: a letter, then letters, digits, '_'
  kName,   // #placeholder
  kValue,  // :placeholder
  kInt,    // list index digits
  // Keywords, in any letter case.
  kAnd,
  kOr,
  kNot,
  kBetween,
  kIn,
  kSet,
  kRemove,
  kAdd,
  kDelete,
  // Operators and punctuation.
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kPlus,
  kMinus,
  kBad,  // a character DynamoDB does not accept
  kEof,
};

struct Token {
  Tok type;
  uint32_t start;  // byte offsets into the text
  uint32_t end;
};

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }

Tok KeywordOrId(std::string_view word) {
  static constexpr std::pair<std::string_view, Tok> kKeywords[] = {
      {"AND", Tok::kAnd},         {"OR", Tok::kOr},   {"NOT", Tok::kNot},
      {"BETWEEN", Tok::kBetween}, {"IN", Tok::kIn},   {"SET", Tok::kSet},
      {"REMOVE", Tok::kRemove},   {"ADD", Tok::kAdd}, {"DELETE", Tok::kDelete},
  };
  for (const auto& [kw, tok] : kKeywords) {
    if (kw.size() != word.size()) continue;
    bool same = true;
    for (size_t i = 0; i < kw.size() && same; ++i) {
      same = std::toupper(static_cast<unsigned char>(word[i])) == kw[i];
    }
    if (same) return tok;
  }
  return Tok::kId;
}

// Reads an operator or punctuation token at `*i`; kBad for anything else.
Tok Punctuation(std::string_view s, size_t* i) {
  char c = s[*i];
  char next = *i + 1 < s.size() ? s[*i + 1] : '\0';
  *i += 1;
  if (c == '<' || c == '>') {
    Tok two = c == '<' && next == '>'   ? Tok::kNe
              : c == '<' && next == '=' ? Tok::kLe
              : c == '>' && next == '=' ? Tok::kGe
                                        : Tok::kBad;
    if (two != Tok::kBad) {
      *i += 1;
      return two;
    }
  }
  switch (c) {
    case '=':
      return Tok::kEq;
    case '<':
      return Tok::kLt;
    case '>':
      return Tok::kGt;
    case '(':
      return Tok::kLParen;
    case ')':
      return Tok::kRParen;
    case '[':
      return Tok::kLBracket;
    case ']':
      return Tok::kRBracket;
    case ',':
      return Tok::kComma;
    case '.':
      return Tok::kDot;
    case '+':
      return Tok::kPlus;
    case '-':
      return Tok::kMinus;
    default:
      break;
  }
  // Keep a multi-byte UTF-8 character whole, so that the message quotes it intact.
  while (*i < s.size() && (static_cast<unsigned char>(s[*i]) & 0xC0) == 0x80) ++*i;
  return Tok::kBad;
}

// Splits `s` into tokens, ending with kEof. Whitespace separates tokens and is dropped.
std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    size_t start = i;
    Tok type;
    if (IsLetter(c)) {
      while (i < s.size() && IsWordChar(s[i])) ++i;
      type = KeywordOrId(s.substr(start, i - start));
    } else if (c == '#' || c == ':') {
      ++i;
      while (i < s.size() && IsWordChar(s[i])) ++i;
      type = i == start + 1 ? Tok::kBad : (c == '#' ? Tok::kName : Tok::kValue);
    } else if (IsDigit(c)) {
      // "0" stands alone, so "[01]" is a syntax error as in DynamoDB.
      ++i;
      if (c != '0') {
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      type = Tok::kInt;
    } else {
      type = Punctuation(s, &i);
    }
    out.push_back({type, static_cast<uint32_t>(start), static_cast<uint32_t>(i)});
  }
  out.push_back({Tok::kEof, static_cast<uint32_t>(s.size()), static_cast<uint32_t>(s.size())});
  return out;
}

// DynamoDB's syntax error: the token where reading stopped, and the text from the token
// before it to the token after it, e.g. token: "1", near: "+ 1".
Status SyntaxError(std::string_view kind, std::string_view text, const std::vector<Token>& tokens,
                   size_t at) {
  const Token& tok = tokens[at];
  size_t from = at > 0 ? tokens[at - 1].start : 0;
  size_t to = at + 1 < tokens.size() ? tokens[at + 1].end : tok.end;
  std::string_view tok_text = tok.type == Tok::kEof ? std::string_view("<EOF>")
                                                    : text.substr(tok.start, tok.end - tok.start);
  std::string message = "Syntax error; token: \"";
  message.append(tok_text);
  message += "\", near: \"";
  message.append(text.substr(from, to - from));
  message += "\"";
  return InvalidExpression(kind, message);
}

// ---------------------------------------------------------------- parser

bool IsComparator(Tok t) {
  return t == Tok::kEq || t == Tok::kNe || t == Tok::kLt || t == Tok::kLe || t == Tok::kGt ||
         t == Tok::kGe;
}

CompareOp ToCompareOp(Tok t) {
  switch (t) {
    case Tok::kNe:
      return CompareOp::kNe;
    case Tok::kLt:
      return CompareOp::kLt;
    case Tok::kLe:
      return CompareOp::kLe;
    case Tok::kGt:
      return CompareOp::kGt;
    case Tok::kGe:
      return CompareOp::kGe;
    default:
      return CompareOp::kEq;
  }
}

// Parses one expression. Every grammar function returns false on failure, having
// recorded where (Fail) or why (fatal_). Syntax failures inside an alternative are
// recoverable by Choose(); fatal ones (redundant parentheses, nesting) are not.
class Parser {
 public:
  Parser(std::string_view text, std::string_view kind)
      : text_(text), kind_(kind), tokens_(Tokenize(text)) {}

  Result<ConditionNode> ParseCondition() {
    ConditionNode root;
    if (!Condition(&root) || !Expect(Tok::kEof)) return Error();
    return root;
  }

  Result<UpdateAst> ParseUpdate() {
    UpdateAst ast;
    if (!Update(&ast) || !Expect(Tok::kEof)) return Error();
    return ast;
  }

  Result<ProjectionAst> ParseProjection() {
    ProjectionAst ast;
    ast.paths.emplace_back();
    if (!PathExpr(&ast.paths.back())) return Error();
    while (Accept(Tok::kComma)) {
      ast.paths.emplace_back();
      if (!PathExpr(&ast.paths.back())) return Error();
    }
    if (!Expect(Tok::kEof)) return Error();
    return ast;
  }

 private:
  // Limits recursion depth; see kMaxSyntaxNesting.
  class NestingGuard {
   public:
    explicit NestingGuard(Parser* p) : p_(p) { ++p_->depth_; }
    ~NestingGuard() { --p_->depth_; }
    bool ok() {
      if (p_->depth_ <= kMaxSyntaxNesting) return true;
      if (p_->fatal_.ok()) p_->fatal_ = p_->SyntaxErrorAt(p_->pos_);
      return false;
    }

   private:
    Parser* p_;
  };

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool Is(Tok t) const { return Peek().type == t; }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool Fail() {
    last_fail_ = pos_;
    return false;
  }
  bool Accept(Tok t) {
    if (!Is(t)) return false;
    Next();
    return true;
  }
  bool Expect(Tok t) {
    if (!Is(t)) return Fail();
    Next();
    return true;
  }
  std::string_view TextOf(const Token& t) const { return text_.substr(t.start, t.end - t.start); }

  Status SyntaxErrorAt(size_t at) const { return SyntaxError(kind_, text_, tokens_, at); }
  Status Error() const { return fatal_.ok() ? SyntaxErrorAt(last_fail_) : fatal_; }
  bool Redundant() {
    if (fatal_.ok()) {
      fatal_ = InvalidExpression(kind_, "The expression has redundant parentheses;");
    }
    return false;
  }

  // Tries `first`, then `second` from the same position; on double failure keeps the
  // failure that got further.
  template <typename A, typename B>
  bool Choose(A first, B second) {
    size_t start = pos_;
    if (first()) return true;
    if (!fatal_.ok()) return false;
    size_t first_fail = last_fail_;
    pos_ = start;
    if (second()) return true;
    if (!fatal_.ok()) return false;
    last_fail_ = std::max(first_fail, last_fail_);
    return false;
  }

  bool Condition(ConditionNode* out);
  bool Junction(Tok op, ConditionNode* out);
  bool NotCondition(ConditionNode* out);
  bool Primary(ConditionNode* out);
  bool Comparison(ConditionNode* out);
  bool Operand(OperandAst* out);
  bool Call(OperandAst* out);
  bool PathExpr(RawPath* out);
  bool PathName(RawPath* out);
  bool Update(UpdateAst* out);
  bool SetAction(UpdateActionAst* out);
  bool SetValue(OperandAst* out);
  bool ArithValue(OperandAst* out);

  std::string_view text_;
  std::string_view kind_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t last_fail_ = 0;
  int depth_ = 0;
  Status fatal_;
};

bool Parser::Condition(ConditionNode* out) {
  NestingGuard guard(this);
  if (!guard.ok()) return false;
  return Junction(Tok::kOr, out);
}

// `x OP y OP z` as one n-ary node, so that long chains do not make deep trees.
bool Parser::Junction(Tok op, ConditionNode* out) {
  auto operand = [&](ConditionNode* node) {
    return op == Tok::kOr ? Junction(Tok::kAnd, node) : NotCondition(node);
  };
  if (!operand(out)) return false;
  if (!Is(op)) return true;
  ConditionNode node;
  node.kind = op == Tok::kOr ? ConditionNode::Kind::kOr : ConditionNode::Kind::kAnd;
  node.children.push_back(std::move(*out));
  while (Accept(op)) {
    node.children.emplace_back();
    if (!operand(&node.children.back())) return false;
  }
  *out = std::move(node);
  return true;
}

bool Parser::NotCondition(ConditionNode* out) {
  NestingGuard guard(this);
  if (!guard.ok()) return false;
  if (!Is(Tok::kNot)) return Primary(out);
  Next();
  out->kind = ConditionNode::Kind::kNot;
  out->children.emplace_back();
  return NotCondition(&out->children.back());
}

bool Parser::Primary(ConditionNode* out) {
  if (!Is(Tok::kLParen)) return Comparison(out);
  return Choose(
      [&] {
        Next();
        *out = ConditionNode();
        if (!Condition(out) || !Expect(Tok::kRParen)) return false;
        if (out->parenthesized) return Redundant();
        out->parenthesized = true;
        return true;
      },
      [&] {
        *out = ConditionNode();
        return Comparison(out);
      });
}

bool Parser::Comparison(ConditionNode* out) {
  OperandAst first;
  if (!Operand(&first)) return false;
  Tok t = Peek().type;
  if (IsComparator(t)) {
    Next();
    out->kind = ConditionNode::Kind::kCompare;
    out->op = ToCompareOp(t);
    out->operands.push_back(std::move(first));
    out->operands.emplace_back();
    return Operand(&out->operands.back());
  }
  if (t == Tok::kBetween) {
    Next();
    out->kind = ConditionNode::Kind::kBetween;
    out->operands.push_back(std::move(first));
    out->operands.resize(3);
    return Operand(&out->operands[1]) && Expect(Tok::kAnd) && Operand(&out->operands[2]);
  }
  if (t == Tok::kIn) {
    Next();
    out->kind = ConditionNode::Kind::kIn;
    out->operands.push_back(std::move(first));
    if (!Expect(Tok::kLParen)) return false;
    do {
      out->operands.emplace_back();
      if (!Operand(&out->operands.back())) return false;
    } while (Accept(Tok::kComma));
    return Expect(Tok::kRParen);
  }
  if (first.kind != OperandAst::Kind::kCall) return Fail();
  // A function used as a condition: attribute_exists(a), begins_with(a, :v), ...
  out->kind = ConditionNode::Kind::kCall;
  out->function = std::move(first.name);
  out->operands = std::move(first.args);
  out->parenthesized = first.parenthesized;
  return true;
}

bool Parser::Operand(OperandAst* out) {
  NestingGuard guard(this);
  if (!guard.ok()) return false;
  const Token& t = Peek();
  if (t.type == Tok::kValue) {
    out->kind = OperandAst::Kind::kValue;
    out->name = std::string(TextOf(Next()));
    return true;
  }
  if (t.type == Tok::kLParen) {
    Next();
    if (!Operand(out) || !Expect(Tok::kRParen)) return false;
    if (out->parenthesized) return Redundant();
    out->parenthesized = true;
    return true;
  }
  if (t.type == Tok::kId && Peek(1).type == Tok::kLParen) return Call(out);
  if (t.type == Tok::kId || t.type == Tok::kName) {
    out->kind = OperandAst::Kind::kPath;
    return PathExpr(&out->path);
  }
  return Fail();
}

bool Parser::Call(OperandAst* out) {
  out->kind = OperandAst::Kind::kCall;
  out->name = std::string(TextOf(Next()));
  Next();  // '('
  do {
    out->args.emplace_back();
    if (!Operand(&out->args.back())) return false;
  } while (Accept(Tok::kComma));
  return Expect(Tok::kRParen);
}

bool Parser::PathName(RawPath* out) {
  const Token& t = Peek();
  if (t.type != Tok::kId && t.type != Tok::kName) return Fail();
  RawPathElement e;
  e.kind = t.type == Tok::kId ? RawPathElement::Kind::kName : RawPathElement::Kind::kPlaceholder;
  e.text = std::string(TextOf(Next()));
  out->push_back(std::move(e));
  return true;
}

bool Parser::PathExpr(RawPath* out) {
  if (!PathName(out)) return false;
  while (Is(Tok::kDot) || Is(Tok::kLBracket)) {
    if (Next().type == Tok::kDot) {
      if (!PathName(out)) return false;
      continue;
    }
    if (!Is(Tok::kInt)) return Fail();
    RawPathElement e;
    e.kind = RawPathElement::Kind::kIndex;
    e.text = std::string(TextOf(Next()));
    // More than 10 digits or past INT32_MAX: "List index is not within the allowable
    // range", reported by the text checks.
    e.index = -1;
    if (e.text.size() <= 10) {
      int64_t v = std::stoll(e.text);
      if (v <= INT32_MAX) e.index = v;
    }
    out->push_back(std::move(e));
    if (!Expect(Tok::kRBracket)) return false;
  }
  return true;
}

bool Parser::Update(UpdateAst* out) {
  do {
    Tok t = Peek().type;
    if (t != Tok::kSet && t != Tok::kRemove && t != Tok::kAdd && t != Tok::kDelete) {
      return Fail();
    }
    Next();
    int clause = out->clause_count++;
    do {
      UpdateActionAst action;
      action.clause = clause;
      if (t == Tok::kSet) {
        action.kind = UpdateActionAst::Kind::kSet;
        if (!SetAction(&action)) return false;
      } else {
        action.kind = t == Tok::kRemove ? UpdateActionAst::Kind::kRemove
                      : t == Tok::kAdd  ? UpdateActionAst::Kind::kAdd
                                        : UpdateActionAst::Kind::kDelete;
        if (!PathExpr(&action.path)) return false;
        if (t != Tok::kRemove) {
          if (!Is(Tok::kValue)) return Fail();
          action.value.kind = OperandAst::Kind::kValue;
          action.value.name = std::string(TextOf(Next()));
        }
      }
      out->actions.push_back(std::move(action));
    } while (Accept(Tok::kComma));
  } while (!Is(Tok::kEof));
  return true;
}

bool Parser::SetAction(UpdateActionAst* out) {
  if (!PathExpr(&out->path) || !Expect(Tok::kEq)) return false;
  // `a = (b + c)` and `a = (b) + c` both read; try the unparenthesized form first.
  return Choose(
      [&] {
        out->value = OperandAst();
        return ArithValue(&out->value);
      },
      [&] {
        out->value = OperandAst();
        return SetValue(&out->value);
      });
}

bool Parser::SetValue(OperandAst* out) {
  if (!Expect(Tok::kLParen) || !ArithValue(out) || !Expect(Tok::kRParen)) return false;
  if (out->parenthesized) return Redundant();
  out->parenthesized = true;
  return true;
}

bool Parser::ArithValue(OperandAst* out) {
  if (!Operand(out)) return false;
  if (!Is(Tok::kPlus) && !Is(Tok::kMinus)) return true;
  OperandAst arith;
  arith.kind = OperandAst::Kind::kArith;
  arith.name.push_back(Next().type == Tok::kPlus ? '+' : '-');
  arith.args.push_back(std::move(*out));
  arith.args.emplace_back();
  if (!Operand(&arith.args.back())) return false;
  *out = std::move(arith);
  return true;
}

}  // namespace

Result<ConditionNode> ParseConditionSyntax(std::string_view text, std::string_view kind) {
  return Parser(text, kind).ParseCondition();
}

Result<UpdateAst> ParseUpdateSyntax(std::string_view text) {
  return Parser(text, "UpdateExpression").ParseUpdate();
}

Result<ProjectionAst> ParseProjectionSyntax(std::string_view text) {
  return Parser(text, "ProjectionExpression").ParseProjection();
}

}  // namespace issuetracker::engine

#include "dynamo/partiql/parser.h"

#include <cctype>
#include <utility>

#include "dynamo/number.h"

namespace issuetracker::dynamo::partiql {
namespace {

constexpr size_t kMaxDepth = 64;  // nesting of conditions and literals

Status Malformed(std::string_view why) {
  return Status::Validation("Statement wasn't well formed, can't be processed: " +
                            std::string(why));
}

enum class Tok : uint8_t { kEnd, kIdent, kQuotedIdent, kString, kNumber, kParam, kPunct };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Splits the statement into tokens.
Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {  // comment to end of line
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (IsIdentStart(c)) {
      size_t j = i;
      while (j < s.size() && IsIdentChar(s[j])) ++j;
      out.push_back({Tok::kIdent, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '"' || c == '\'') {
      std::string text;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= s.size()) {
          return Malformed(c == '"' ? "Unterminated quoted identifier" : "Unterminated string");
        }
        if (s[j] == c) {
          if (j + 1 < s.size() && s[j + 1] == c) {
            text += c;
            ++j;
            continue;
          }
          break;
        }
        text += s[j];
      }
      out.push_back({c == '"' ? Tok::kQuotedIdent : Tok::kString, std::move(text)});
      i = j + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
          j = k;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
      }
      out.push_back({Tok::kNumber, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '?') {
      out.push_back({Tok::kParam, "?"});
      ++i;
    } else {
      static constexpr std::string_view kTwo[] = {"<<", ">>", "<=", ">=", "<>", "!="};
      std::string_view two = s.substr(i, 2);
      bool matched = false;
      for (std::string_view t : kTwo) {
        if (two == t) {
          out.push_back({Tok::kPunct, std::string(t)});
          i += 2;
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (std::string_view("=<>()[]{},.:*+-;").find(c) == std::string_view::npos) {
        return Malformed("Unexpected character '" + std::string(1, c) + "'");
      }
      out.push_back({Tok::kPunct, std::string(1, c)});
      ++i;
    }
  }
  // A trailing semicolon ends the statement.
  if (!out.empty() && out.back().kind == Tok::kPunct && out.back().text == ";") out.pop_back();
  out.push_back({Tok::kEnd, ""});
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::vector<AttributeValue>& parameters)
      : t_(std::move(tokens)), params_(parameters) {}

  Result<Statement> ParseStatement() {
    Result<Statement> s = Dispatch();
    if (!s.ok()) return s;
    if (Peek().kind != Tok::kEnd) return Malformed("Unexpected token: " + Peek().text);
    if (next_param_ != params_.size()) return ParameterMismatch();
    return s;
  }

 private:
  static Status ParameterMismatch() {
    return Status::Validation("Number of parameters in request and statement don't match.");
  }

  Result<Statement> Dispatch() {
    if (Keyword("SELECT")) {
      IT_ASSIGN_OR_RETURN(SelectStatement s, Select());
      return Statement(std::move(s));
    }
    if (Keyword("INSERT")) {
      IT_ASSIGN_OR_RETURN(InsertStatement s, Insert());
      return Statement(std::move(s));
    }
    if (Keyword("UPDATE")) {
      IT_ASSIGN_OR_RETURN(UpdateStatement s, Update());
      return Statement(std::move(s));
    }
    if (Keyword("DELETE")) {
      IT_ASSIGN_OR_RETURN(DeleteStatement s, Delete());
      return Statement(std::move(s));
    }
    if (Keyword("EXISTS")) {
      IT_RETURN_IF_ERROR(Expect("("));
      if (!Keyword("SELECT")) return Malformed("Expected SELECT inside EXISTS");
      IT_ASSIGN_OR_RETURN(SelectStatement s, Select());
      IT_RETURN_IF_ERROR(Expect(")"));
      return Statement(ExistsStatement{std::move(s)});
    }
    return Malformed("Expected data manipulation");
  }

  // ------------------------------------------------------------------------ statements

  Result<SelectStatement> Select() {
    SelectStatement s;
    if (!Punct("*")) {
      do {
        IT_ASSIGN_OR_RETURN(Path p, ParsePath());
        s.projection.push_back(std::move(p));
      } while (Punct(","));
    }
    if (!Keyword("FROM")) return Malformed("Expected FROM");
    IT_ASSIGN_OR_RETURN(s.table, Identifier());
    if (Punct(".")) {
      IT_ASSIGN_OR_RETURN(std::string index, Identifier());
      s.index = std::move(index);
    }
    if (Keyword("WHERE")) {
      IT_ASSIGN_OR_RETURN(Node where, Condition(0));
      s.where = std::move(where);
    }
    if (Keyword("ORDER")) {
      if (!Keyword("BY")) return Malformed("Expected BY after ORDER");
      do {
        IT_ASSIGN_OR_RETURN(Path p, ParsePath());
        if (p.size() != 1 || p[0].index >= 0)
          return Malformed("ORDER BY takes key attribute names, not document paths");
        OrderKey key{p[0].name, false};
        if (Keyword("DESC")) {
          key.descending = true;
        } else {
          (void)Keyword("ASC");
        }
        s.order_by.push_back(std::move(key));
      } while (Punct(","));
    }
    return s;
  }

  Result<InsertStatement> Insert() {
    InsertStatement s;
    if (!Keyword("INTO")) return Malformed("Expected INTO");
    IT_ASSIGN_OR_RETURN(s.table, Identifier());
    if (!Keyword("VALUE")) return Malformed("Expected VALUE");
    if (Peek().kind != Tok::kPunct || Peek().text != "{") {
      return Malformed("Expected a map literal after VALUE");
    }
    IT_ASSIGN_OR_RETURN(std::optional<AttributeValue> item, Literal(0));
    if (!item || !item->is(AttrType::kM)) return Malformed("Expected a map literal after VALUE");
    s.item = std::move(item->m());
    return s;
  }

  Result<UpdateStatement> Update() {
    UpdateStatement s;
    IT_ASSIGN_OR_RETURN(s.table, Identifier());
    bool any = false;
    for (;;) {
      if (Keyword("SET")) {
        do {
          SetAction a;
          IT_ASSIGN_OR_RETURN(a.path, ParsePath());
          IT_RETURN_IF_ERROR(Expect("="));
          IT_ASSIGN_OR_RETURN(a.value, Additive(0));
          s.sets.push_back(std::move(a));
        } while (Punct(","));
        any = true;
      } else if (Keyword("REMOVE")) {
        do {
          IT_ASSIGN_OR_RETURN(Path p, ParsePath());
          s.removes.push_back(std::move(p));
        } while (Punct(","));
        any = true;
      } else {
        break;
      }
    }
    if (!any) return Malformed("Expected SET or REMOVE");
    if (!Keyword("WHERE")) return Malformed("Expected WHERE");
    IT_ASSIGN_OR_RETURN(s.where, Condition(0));
    IT_ASSIGN_OR_RETURN(s.returning, Returning(/*update=*/true));
    return s;
  }

  Result<DeleteStatement> Delete() {
    DeleteStatement s;
    if (!Keyword("FROM")) return Malformed("Expected FROM");
    IT_ASSIGN_OR_RETURN(s.table, Identifier());
    if (!Keyword("WHERE")) return Malformed("Expected WHERE");
    IT_ASSIGN_OR_RETURN(s.where, Condition(0));
    IT_ASSIGN_OR_RETURN(s.returning, Returning(/*update=*/false));
    return s;
  }

  // RETURNING ALL|MODIFIED OLD|NEW *
  Result<ReturnValue> Returning(bool update) {
    if (!Keyword("RETURNING")) return ReturnValue::kNone;
    const bool all = Keyword("ALL");
    if (!all && !Keyword("MODIFIED")) return Malformed("Expected ALL or MODIFIED after RETURNING");
    const bool old_values = Keyword("OLD");
    if (!old_values && !Keyword("NEW")) return Malformed("Expected OLD or NEW after RETURNING");
    IT_RETURN_IF_ERROR(Expect("*"));
    if (!update && !(all && old_values)) {
      return Malformed("DELETE supports only RETURNING ALL OLD *");
    }
    if (all) return old_values ? ReturnValue::kAllOld : ReturnValue::kAllNew;
    return old_values ? ReturnValue::kUpdatedOld : ReturnValue::kUpdatedNew;
  }

  // ------------------------------------------------------------------------ conditions

  Result<Node> Condition(size_t depth) {
    if (depth > kMaxDepth) return Malformed("Expression nested too deeply");
    IT_ASSIGN_OR_RETURN(Node left, Conjunction(depth + 1));
    while (Keyword("OR")) {
      IT_ASSIGN_OR_RETURN(Node right, Conjunction(depth + 1));
      left = Binary(Node::Kind::kOr, "OR", std::move(left), std::move(right));
    }
    return left;
  }

  Result<Node> Conjunction(size_t depth) {
    IT_ASSIGN_OR_RETURN(Node left, Negation(depth + 1));
    while (Keyword("AND")) {
      IT_ASSIGN_OR_RETURN(Node right, Negation(depth + 1));
      left = Binary(Node::Kind::kAnd, "AND", std::move(left), std::move(right));
    }
    return left;
  }

  Result<Node> Negation(size_t depth) {
    if (depth > kMaxDepth) return Malformed("Expression nested too deeply");
    if (Keyword("NOT")) {
      IT_ASSIGN_OR_RETURN(Node inner, Negation(depth + 1));
      Node n;
      n.kind = Node::Kind::kNot;
      n.children.push_back(std::move(inner));
      return n;
    }
    return Predicate(depth + 1);
  }

  Result<Node> Predicate(size_t depth) {
    if (Punct("(")) {
      IT_ASSIGN_OR_RETURN(Node inner, Condition(depth + 1));
      IT_RETURN_IF_ERROR(Expect(")"));
      return inner;
    }
    IT_ASSIGN_OR_RETURN(Node left, Operand(depth + 1));
    static constexpr std::string_view kComparisons[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    for (std::string_view op : kComparisons) {
      if (Punct(op)) {
        IT_ASSIGN_OR_RETURN(Node right, Operand(depth + 1));
        return Binary(Node::Kind::kCompare, op == "!=" ? "<>" : std::string(op), std::move(left),
                      std::move(right));
      }
    }
    if (Keyword("BETWEEN")) {
      IT_ASSIGN_OR_RETURN(Node low, Operand(depth + 1));
      if (!Keyword("AND")) return Malformed("Expected AND in BETWEEN");
      IT_ASSIGN_OR_RETURN(Node high, Operand(depth + 1));
      Node n;
      n.kind = Node::Kind::kBetween;
      n.children = {std::move(left), std::move(low), std::move(high)};
      return n;
    }
    if (Keyword("IN")) {
      std::string close;
      if (Punct("[")) {
        close = "]";
      } else if (Punct("(")) {
        close = ")";
      } else {
        return Malformed("Expected a list after IN");
      }
      Node n;
      n.kind = Node::Kind::kIn;
      n.children.push_back(std::move(left));
      do {
        IT_ASSIGN_OR_RETURN(Node v, Operand(depth + 1));
        n.children.push_back(std::move(v));
      } while (Punct(","));
      IT_RETURN_IF_ERROR(Expect(close));
      return n;
    }
    if (Keyword("IS")) {
      Node n;
      n.negated = Keyword("NOT");
      if (Keyword("MISSING")) {
        n.kind = Node::Kind::kIsMissing;
      } else if (Keyword("NULL")) {
        n.kind = Node::Kind::kIsNull;
      } else {
        return Malformed("Expected MISSING or NULL after IS");
      }
      n.children.push_back(std::move(left));
      return n;
    }
    if (left.kind == Node::Kind::kCall) return left;  // begins_with(...), contains(...), ...
    return Malformed("Expected a comparison");
  }

  // A value with + and - (SET values).
  Result<Node> Additive(size_t depth) {
    IT_ASSIGN_OR_RETURN(Node left, Operand(depth + 1));
    for (;;) {
      std::string op;
      if (Punct("+")) {
        op = "+";
      } else if (Punct("-")) {
        op = "-";
      } else {
        return left;
      }
      IT_ASSIGN_OR_RETURN(Node right, Operand(depth + 1));
      left = Binary(Node::Kind::kArith, op, std::move(left), std::move(right));
    }
  }

  // A path, a literal, a parameter or a function call.
  Result<Node> Operand(size_t depth) {
    if (depth > kMaxDepth) return Malformed("Expression nested too deeply");
    const Token& t = Peek();
    if (t.kind == Tok::kIdent && Peek(1).kind == Tok::kPunct && Peek(1).text == "(") {
      Node n;
      n.kind = Node::Kind::kCall;
      n.op = Next().text;
      for (char& c : n.op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      Next();  // (
      if (!Punct(")")) {
        do {
          IT_ASSIGN_OR_RETURN(Node arg, Additive(depth + 1));
          n.children.push_back(std::move(arg));
        } while (Punct(","));
        IT_RETURN_IF_ERROR(Expect(")"));
      }
      return n;
    }
    if ((t.kind == Tok::kIdent && !IsLiteralKeyword(t.text)) || t.kind == Tok::kQuotedIdent) {
      Node n;
      n.kind = Node::Kind::kPath;
      IT_ASSIGN_OR_RETURN(n.path, ParsePath());
      return n;
    }
    IT_ASSIGN_OR_RETURN(std::optional<AttributeValue> v, Literal(depth + 1));
    if (!v) return Malformed("MISSING is not a value here");
    Node n;
    n.kind = Node::Kind::kValue;
    n.value = std::move(*v);
    return n;
  }

  static bool IsLiteralKeyword(std::string_view word) {
    return EqualsIgnoreCase(word, "TRUE") || EqualsIgnoreCase(word, "FALSE") ||
           EqualsIgnoreCase(word, "NULL") || EqualsIgnoreCase(word, "MISSING");
  }

  // ------------------------------------------------------------------- paths, literals

  Result<Path> ParsePath() {
    Path p;
    IT_ASSIGN_OR_RETURN(std::string first, Identifier());
    p.push_back({std::move(first), -1});
    for (;;) {
      if (Peek().kind == Tok::kPunct && Peek().text == "." &&
          (Peek(1).kind == Tok::kIdent || Peek(1).kind == Tok::kQuotedIdent)) {
        Next();
        IT_ASSIGN_OR_RETURN(std::string name, Identifier());
        p.push_back({std::move(name), -1});
      } else if (Punct("[")) {
        const Token& t = Next();
        int64_t index = 0;
        if (t.kind == Tok::kString) {
          p.push_back({t.text, -1});  // a['key'] names a map key
        } else {
          if (t.kind != Tok::kNumber ||
              t.text.find_first_not_of("0123456789") != std::string::npos || t.text.size() > 9) {
            return Malformed("Expected a list index");
          }
          index = std::stoll(t.text);
          p.push_back({"", index});
        }
        IT_RETURN_IF_ERROR(Expect("]"));
      } else {
        return p;
      }
    }
  }

  // A literal or parameter; nullopt for MISSING.
  Result<std::optional<AttributeValue>> Literal(size_t depth) {
    if (depth > kMaxDepth) return Malformed("Literal nested too deeply");
    const Token t = Next();
    switch (t.kind) {
      case Tok::kString:
        return std::optional<AttributeValue>(AttributeValue::S(t.text));
      case Tok::kNumber:
        return NumberLiteral(t.text);
      case Tok::kParam:
        if (next_param_ >= params_.size()) return ParameterMismatch();
        return std::optional<AttributeValue>(params_[next_param_++]);
      case Tok::kIdent:
        if (EqualsIgnoreCase(t.text, "TRUE"))
          return std::optional<AttributeValue>(AttributeValue::Bool(true));
        if (EqualsIgnoreCase(t.text, "FALSE"))
          return std::optional<AttributeValue>(AttributeValue::Bool(false));
        if (EqualsIgnoreCase(t.text, "NULL"))
          return std::optional<AttributeValue>(AttributeValue::Null());
        if (EqualsIgnoreCase(t.text, "MISSING")) return std::optional<AttributeValue>();
        return Malformed("Unexpected keyword: " + t.text);
      case Tok::kPunct:
        if (t.text == "-" && Peek().kind == Tok::kNumber) return NumberLiteral("-" + Next().text);
        if (t.text == "[") return ListLiteral(depth);
        if (t.text == "{") return MapLiteral(depth);
        if (t.text == "<<") return SetLiteral(depth);
        return Malformed("Unexpected token: " + t.text);
      default:
        return Malformed(t.kind == Tok::kEnd ? "Unexpected end of statement"
                                             : "Unexpected token: " + t.text);
    }
  }

  static Result<std::optional<AttributeValue>> NumberLiteral(const std::string& text) {
    auto n = Number::Parse(text);
    if (!n.ok()) return n.status();
    return std::optional<AttributeValue>(AttributeValue::N(std::move(n).value()));
  }

  Result<std::optional<AttributeValue>> ListLiteral(size_t depth) {
    AttributeList list;
    if (!Punct("]")) {
      do {
        IT_ASSIGN_OR_RETURN(std::optional<AttributeValue> v, Literal(depth + 1));
        if (v) list.push_back(std::move(*v));
      } while (Punct(","));
      IT_RETURN_IF_ERROR(Expect("]"));
    }
    return std::optional<AttributeValue>(AttributeValue::L(std::move(list)));
  }

  Result<std::optional<AttributeValue>> MapLiteral(size_t depth) {
    AttributeMap map;
    if (!Punct("}")) {
      do {
        const Token key = Next();
        if (key.kind != Tok::kString && key.kind != Tok::kQuotedIdent && key.kind != Tok::kIdent) {
          return Malformed("Expected a string as map key");
        }
        IT_RETURN_IF_ERROR(Expect(":"));
        IT_ASSIGN_OR_RETURN(std::optional<AttributeValue> v, Literal(depth + 1));
        if (v) map.insert_or_assign(key.text, std::move(*v));
      } while (Punct(","));
      IT_RETURN_IF_ERROR(Expect("}"));
    }
    return std::optional<AttributeValue>(AttributeValue::M(std::move(map)));
  }

  Result<std::optional<AttributeValue>> SetLiteral(size_t depth) {
    std::vector<AttributeValue> elements;
    if (!Punct(">>")) {
      do {
        IT_ASSIGN_OR_RETURN(std::optional<AttributeValue> v, Literal(depth + 1));
        if (v) elements.push_back(std::move(*v));
      } while (Punct(","));
      IT_RETURN_IF_ERROR(Expect(">>"));
    }
    if (elements.empty()) return Malformed("A set literal must not be empty");
    const AttrType type = elements[0].type();
    for (const AttributeValue& e : elements) {
      if (e.type() != type || !e.IsScalarKeyType()) {
        return Malformed("Set elements must all be strings, numbers or binaries of one type");
      }
    }
    AttributeValue set(type == AttrType::kS   ? AttrType::kSS
                       : type == AttrType::kN ? AttrType::kNS
                                              : AttrType::kBS);
    for (AttributeValue& e : elements) {
      if (type == AttrType::kS) set.ss().push_back(std::move(e.s()));
      if (type == AttrType::kN) set.ns().push_back(std::move(e.n()));
      if (type == AttrType::kB) set.bs().push_back(std::move(e.b()));
    }
    return std::optional<AttributeValue>(std::move(set));
  }

  // --------------------------------------------------------------------------- tokens

  Result<std::string> Identifier() {
    const Token& t = Peek();
    if (t.kind != Tok::kIdent && t.kind != Tok::kQuotedIdent) {
      return Malformed(t.kind == Tok::kEnd ? "Expected identifier, found end of statement"
                                           : "Expected identifier, found " + t.text);
    }
    return Next().text;
  }

  const Token& Peek(size_t ahead = 0) const { return t_[std::min(pos_ + ahead, t_.size() - 1)]; }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return t;
  }
  bool Keyword(std::string_view word) {
    if (Peek().kind == Tok::kIdent && EqualsIgnoreCase(Peek().text, word)) {
      Next();
      return true;
    }
    return false;
  }
  bool Punct(std::string_view p) {
    if (Peek().kind == Tok::kPunct && Peek().text == p) {
      Next();
      return true;
    }
    return false;
  }
  Status Expect(std::string_view p) {
    if (Punct(p)) return Status::Ok();
    return Malformed(
        "Expected '" + std::string(p) + "'" +
        (Peek().kind == Tok::kEnd ? ", found end of statement" : ", found " + Peek().text));
  }

  static Node Binary(Node::Kind kind, std::string op, Node left, Node right) {
    Node n;
    n.kind = kind;
    n.op = std::move(op);
    n.children.push_back(std::move(left));
    n.children.push_back(std::move(right));
    return n;
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  const std::vector<AttributeValue>& params_;
  size_t next_param_ = 0;
};

}  // namespace

Result<Statement> Parse(std::string_view text, const std::vector<AttributeValue>& parameters) {
  IT_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  Parser parser(std::move(tokens), parameters);
  return parser.ParseStatement();
}

}  // namespace issuetracker::dynamo::partiql

#include "tests/pitr_model.h"

namespace issuetracker::testing {

using dynamo::ScalarType;

void PitrModel::Apply(int64_t time, const std::string& key, const Item* item) {
  if (item) {
    current_[key] = *item;
  } else {
    current_.erase(key);
  }
  history_.emplace_back(time, current_);
}

std::map<std::string, Item> PitrModel::At(int64_t time, std::string_view prefix) const {
  static const std::map<std::string, Item> kEmpty;
  const std::map<std::string, Item>* state = &kEmpty;
  for (const auto& [t, s] : history_) {
    if (t > time) break;
    state = &s;
  }
  std::map<std::string, Item> out;
  for (const auto& [k, item] : *state) {
    if (k.starts_with(prefix)) out.emplace(dynamo::ItemDebugString(item), item);
  }
  return out;
}

std::map<std::string, Item> PitrModel::Current() const {
  std::map<std::string, Item> out;
  for (const auto& [k, item] : current_) out.emplace(dynamo::ItemDebugString(item), item);
  return out;
}

int64_t PitrModel::LatestTime() const {
  int64_t latest = 0;
  for (const auto& [t, s] : history_) latest = std::max(latest, t);
  return latest;
}

std::map<std::string, Item> PitrModel::Index(const std::map<std::string, Item>& items,
                                             const std::string& attr, bool keys_only) {
  std::map<std::string, Item> out;
  for (const auto& [k, item] : items) {
    if (!item.contains(attr)) continue;
    Item entry =
        keys_only ? MakeItem({{"pk", item.at("pk")}, {"sk", item.at("sk")}, {attr, item.at(attr)}})
                  : item;
    out.emplace(dynamo::ItemDebugString(entry), entry);
  }
  return out;
}

void RandomWrites(dynamo::Backend& db, ManualClock& clock, PitrModel& model,
                  const std::string& table, int count, std::mt19937& rng) {
  const char* colors[] = {"red", "green", "blue"};
  for (int i = 0; i < count; ++i) {
    clock.AdvanceMicros(1000 * (1 + static_cast<int64_t>(rng() % 5)));
    const std::string pk = "C" + std::to_string(rng() % 3) + "#ITEM#" + std::to_string(rng() % 40);
    const int64_t sk = static_cast<int64_t>(rng() % 3);
    const std::string key = pk + "/" + std::to_string(sk);
    const Item k = MakeItem({{"pk", S(pk)}, {"sk", N(sk)}});
    const int op = static_cast<int>(rng() % 10);
    if (op < 5) {  // put
      Item item = k;
      item.emplace("v", N(i));
      if (rng() % 4) item.emplace("color", S(colors[rng() % 3]));
      if (rng() % 2) item.emplace("owner", S("u" + std::to_string(rng() % 5)));
      dynamo::PutItemRequest put{table, item};
      ASSERT_OK(db.PutItem(put));
      model.Apply(clock.NowMicros(), key, &item);
    } else if (op < 8) {  // update
      dynamo::UpdateItemRequest u;
      u.table_name = table;
      u.key = k;
      u.update_expression = "SET v = :v, color = :c";
      u.expression_attribute_values = {{":v", N(i)}, {":c", S(colors[rng() % 3])}};
      u.return_values = dynamo::ReturnValue::kAllNew;
      auto r = db.UpdateItem(u);
      ASSERT_OK(r);
      model.Apply(clock.NowMicros(), key, r->attributes ? &*r->attributes : nullptr);
    } else {  // delete
      dynamo::DeleteItemRequest d;
      d.table_name = table;
      d.key = k;
      ASSERT_OK(db.DeleteItem(d));
      model.Apply(clock.NowMicros(), key, nullptr);
    }
  }
}

void CreateTrackedTable(dynamo::Backend& db, const std::string& name, bool stream) {
  auto r = TableRequest(name, "pk", ScalarType::kS, "sk", ScalarType::kN);
  AddGsi(&r, "ByColor", "color", "sk", dynamo::ProjectionType::kAll, ScalarType::kS,
         ScalarType::kN);
  AddGsi(&r, "ByOwner", "owner", "", dynamo::ProjectionType::kKeysOnly);
  if (stream)
    r.stream_specification =
        dynamo::StreamSpecification{true, dynamo::StreamViewType::kNewAndOldImages};
  ASSERT_OK(db.CreateTable(r));
  dynamo::UpdateContinuousBackupsRequest pitr;
  pitr.table_name = name;
  pitr.point_in_time_recovery_enabled = true;
  ASSERT_OK(db.UpdateContinuousBackups(pitr));
}

std::map<std::string, Item> ScanAll(dynamo::Backend& db, const std::string& table,
                                    std::optional<std::string> index) {
  std::map<std::string, Item> out;
  dynamo::ScanRequest s;
  s.table_name = table;
  s.index_name = std::move(index);
  for (;;) {
    auto r = db.Scan(s);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return out;
    for (auto& item : r->items) out.emplace(dynamo::ItemDebugString(item), item);
    if (!r->last_evaluated_key) return out;
    s.exclusive_start_key = r->last_evaluated_key;
  }
}

}  // namespace issuetracker::testing

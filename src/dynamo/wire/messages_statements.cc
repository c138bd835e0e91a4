// The codec.h functions of the messages in describe_statements.h.
#include "dynamo/wire/describe_statements.h"

namespace issuetracker::dynamo::wire {

IT_WIRE_DEFINE_REQUEST(ExecuteStatementRequest)
IT_WIRE_DEFINE_RESPONSE(ExecuteStatementResponse)
IT_WIRE_DEFINE_REQUEST(BatchExecuteStatementRequest)
IT_WIRE_DEFINE_RESPONSE(BatchExecuteStatementResponse)
IT_WIRE_DEFINE_REQUEST(ExecuteTransactionRequest)
IT_WIRE_DEFINE_RESPONSE(ExecuteTransactionResponse)

}  // namespace issuetracker::dynamo::wire

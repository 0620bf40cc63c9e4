// Flutter runs integration tests inside an app; this example is that app for
// keybound. The suite itself lives at the package root, integration_test/.
//   cd example && flutter test integration_test
import '../../integration_test/keybound_test.dart' as suite;

void main() => suite.main();

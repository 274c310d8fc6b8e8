package intake

import ()
